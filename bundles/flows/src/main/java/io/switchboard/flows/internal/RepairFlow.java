package io.switchboard.flows.internal;

import java.time.Instant;
import java.util.Map;

/**
 * One repair flow as the agent sees it. {@code billing} is what billing said (status, balance,
 * arrears, suspendedSince); {@code billingFault} its fault, word for word; {@code note} what is
 * going on while it waits ("billing unavailable since …, retrying").
 */
public record RepairFlow(String id, String requestId, String state, String customerId, String conversationId,
                         String account, String fault, Map<String, String> billing, String billingFault,
                         String workOrderId, String workOrderNumber, String outcome, String note, String createdBy,
                         Instant createdAt, Instant updatedAt, Instant expiresAt) {

    public static final String WAITING_FOR_BILLING = "WAITING_FOR_BILLING";
    /** The line is suspended for arrears: the customer was told how to get it back; no technician. */
    public static final String ARREARS_TOLD = "ARREARS_TOLD";
    /** The account is in order: a repair work order went to the field team. */
    public static final String REPAIR_ORDERED = "REPAIR_ORDERED";
    /** Billing answered with a fault, did not answer in time, or the account cannot be repaired (closed). */
    public static final String FAILED = "FAILED";

    /** What an agent posts when a customer calls about a fault. */
    public record Start(String customerId, String conversationId, String account, String fault, String requestId) {
    }

    public RepairFlow withNote(String note) {
        return new RepairFlow(id, requestId, state, customerId, conversationId, account, fault, billing, billingFault,
                workOrderId, workOrderNumber, outcome, note, createdBy, createdAt, updatedAt, expiresAt);
    }
}
