package io.switchboard.workorders;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One piece of work for a customer. {@code state} is one of its type's states; {@code team} and
 * {@code assignee} say who has it (a back-office team, a field worker's login); {@code requirements}
 * are what whoever goes must know ("needs a van", "large bag"); {@code references} tie it to outside
 * systems (a tracking number, a billing account). {@code satisfaction} is the customer's survey
 * score, 1 to 5, once they answered.
 */
public record WorkOrder(String id, String number, String type, String state, String customerId,
                        String conversationId, String title, String details, List<String> requirements,
                        String team, String assignee, Map<String, String> references, Instant dueAt,
                        boolean escalated, Integer satisfaction, String createdBy, Instant createdAt,
                        Instant updatedAt) {

    public WorkOrder {
        requirements = requirements == null ? List.of() : List.copyOf(requirements);
        references = references == null ? Map.of() : Map.copyOf(references);
    }

    /**
     * What a creator fills in; the rest (id, number, state, times) the platform sets. {@code key} is
     * the creator's idempotency key (a flow's id, a rule's event id): creating again with the same
     * key returns the order made the first time, so a redelivered request never makes two.
     */
    public record Draft(String type, String customerId, String conversationId, String title, String details,
                        List<String> requirements, String team, String assignee, Map<String, String> references,
                        Instant dueAt, String key) {
    }
}
