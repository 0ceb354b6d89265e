package io.switchboard.conversation;

import io.switchboard.api.Staff;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A reason, held by another bundle, for someone to reach a customer that the core does not know of:
 * a work order assigned to a field worker lets them see its customer's contact details and answer
 * the customer in their conversations. Registered as an OSGi service; the core asks every one
 * registered when its own rules ({@link AgentDesk#require}) do not already let {@code who} in.
 */
@ConsumerType
public interface CustomerGrant {

    /** Whether {@code who} may reach the customer {@code customerId} for this bundle's reason. */
    boolean grants(Staff who, String customerId);
}
