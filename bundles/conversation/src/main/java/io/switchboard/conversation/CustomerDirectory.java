package io.switchboard.conversation;

import io.switchboard.api.ChannelAddress;
import io.switchboard.api.Customer;
import io.switchboard.api.Staff;
import io.switchboard.api.TimelineEntry;
import io.switchboard.store.IdentityChange;
import io.switchboard.store.Timeline;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Customers across channels, as an OSGi service: one identity (deterministic links, operator merge
 * and un-merge with an audit trail) and one timeline. Exceptions as in {@link AgentDesk}.
 */
@ProviderType
public interface CustomerDirectory {

    /** The customer as seen now (the survivor if {@code id} was merged). */
    Customer customer(String id);

    /**
     * Whether {@code who} may see this customer (their profile, addresses, timeline, conversations)
     * and link an address to them: admins and supervisors always; an agent when one of the customer's
     * conversations is assigned to them or waits in the queue, or a call of the customer's rang at
     * them (or at every desk) within the hour; anyone a {@link CustomerGrant} lets in.
     *
     * @throws SecurityException when {@code who} may not
     * @throws java.util.NoSuchElementException when there is no such customer
     */
    void require(String customerId, Staff who);

    Customer update(Customer customer);

    /** Newest first; {@code before} is the previous page's {@link Timeline.Page#next}. */
    Timeline.Page timeline(String customerId, String before, int limit);

    /**
     * Adds an entry to the customer's timeline (a call, a work-order step, a proactive push); a
     * repeat of the same id is ignored.
     */
    void record(TimelineEntry entry);

    Customer link(String customerId, ChannelAddress address, boolean verified, String operator);

    /** @return the merge id that {@link #unmerge} takes */
    String merge(String sourceId, String targetId, String operator, String reason);

    void unmerge(String mergeId, String operator, String reason);

    List<IdentityChange> history(String customerId);

    /**
     * Erases a person: the customer, every customer merged with it, and everything kept of them, in
     * the core's tables and in every bundle's that registered a {@link io.switchboard.store.PersonalData},
     * in one transaction. What stays is a record of who erased which customer id when. Their messages
     * waiting in the broker's queues and dead-letter queues go too ({@link io.switchboard.bus.Bus#removeWaiting}):
     * before the transaction, and once more after it for what arrived meanwhile.
     *
     * @throws java.util.NoSuchElementException when there is no such customer
     * @throws io.switchboard.bus.BusUnavailableException when the broker could not be asked; nothing is erased then
     */
    void erase(String customerId, String operator);
}
