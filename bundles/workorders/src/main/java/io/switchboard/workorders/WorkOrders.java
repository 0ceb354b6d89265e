package io.switchboard.workorders;

import io.switchboard.api.Roles;
import io.switchboard.api.Staff;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Work orders as an OSGi service. Every change is stored with its history, lands on the customer's
 * timeline and is published on {@code sb.events} ({@code workorder.*}); a state with a notice tells
 * the customer on their preferred channel. Failures are the JDK's exceptions as in the conversation
 * API: {@link java.util.NoSuchElementException}, {@link IllegalStateException} (a transition the type
 * does not allow, or someone moved it first), {@link IllegalArgumentException} (bad input).
 */
@ProviderType
public interface WorkOrders {

    String CREATED = "workorder.created";
    /** data: number, type, from, to, by, eta, note. */
    String CHANGED = "workorder.changed";
    /** data: number, team. */
    String ESCALATED = "workorder.escalated";
    /** data: number, score. */
    String RATED = "workorder.rated";

    List<WorkOrderType> types();

    WorkOrder create(WorkOrder.Draft draft, String by);

    WorkOrder workOrder(String id);

    /**
     * The work order, if {@code who} may reach it: admins, supervisors and agents every one (the desk
     * shows customers' orders on their timelines); a field worker only those assigned to them, and
     * their attachments and history with them.
     *
     * @throws SecurityException when {@code who} may not
     * @throws java.util.NoSuchElementException when there is no such work order
     */
    default WorkOrder require(String id, Staff who) {
        WorkOrder order = workOrder(id);
        if (ownOnly(who) && !who.user().equals(order.assignee())) {
            throw new SecurityException(who.user() + " may not reach work order " + order.number() + ": it is not assigned to them");
        }
        return order;
    }

    /** Whether {@code who} reaches only the work orders assigned to them: a field worker without a desk role. */
    static boolean ownOnly(Staff who) {
        return !who.oversees() && !who.has(Roles.AGENT);
    }

    /** Newest first; null filters match all. */
    List<WorkOrder> list(String state, String team, String assignee, String customerId, int limit);

    /**
     * Moves it to {@code to} if its type allows that from the current state.
     *
     * @param data what the step carries: {@code eta} for an arrival time the customer is told, anything else is kept
     */
    WorkOrder transition(String id, String to, String by, String note, Map<String, String> data);

    WorkOrder assign(String id, String team, String assignee, String by);

    WorkOrderChange note(String id, String text, String by);

    /**
     * Adds references to outside systems, or replaces those of the same name: a tracking number
     * once the courier company gave one. An empty value removes one.
     *
     * @since 1.1
     */
    WorkOrder refer(String id, Map<String, String> references, String by);

    /** @return the attachment's id */
    String attach(String id, String name, String mediaType, byte[] content, String by);

    /** name, mediaType and content of one attachment. */
    record Attachment(String id, String name, String mediaType, byte[] content) {
    }

    Attachment attachment(String id, String attachmentId);

    List<WorkOrderChange> history(String id);

    /** The customer's satisfaction, 1 to 5 (from the survey, or entered by an agent). */
    WorkOrder rate(String id, int score, String by);

    /** Average satisfaction and number of rated orders per type. */
    Map<String, Map<String, Double>> satisfaction();
}
