package io.switchboard.flows.internal;

import java.time.Instant;
import java.util.Map;

/**
 * An agent's request to a connected system as the agent reads it. {@code status} is PENDING until
 * the system answers OK (its {@code data}), FAULT (its {@code fault}, word for word, and
 * {@code data.faultCode}) or EXPIRED. While it is PENDING, {@code systemState} and {@code note} say
 * whether the system is down ("erp unavailable since …, retrying").
 */
public record AgentRequest(String id, String system, String operation, String status, Map<String, String> params,
                           Map<String, String> data, String fault, String customerId, String conversationId,
                           String requestedBy, Instant requestedAt, Instant expiresAt, Instant answeredAt,
                           String systemState, String note) {

    public static final String PENDING = "PENDING";

    /** What an agent posts. {@code expiresInMinutes}: how long the answer matters (default 240). */
    public record New(String operation, Map<String, String> params, String conversationId, Integer expiresInMinutes) {
    }

    AgentRequest pending(String systemState, String note) {
        return new AgentRequest(id, system, operation, status, params, data, fault, customerId, conversationId, requestedBy,
                requestedAt, expiresAt, answeredAt, systemState, note);
    }
}
