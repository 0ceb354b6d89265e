package io.switchboard.proactive.internal;

import java.time.Instant;

/**
 * One push a rule planned for one affected customer of one business event, and what became of it:
 * PLANNED (quiet hours, or the bus), SENT, NO_CONSENT, UNKNOWN_CUSTOMER, UNDELIVERABLE.
 */
public record PlannedPush(String id, String eventId, String eventType, String rule, String affected, String customerId,
                          String channel, String text, String reason, String status, String detail, Instant notBefore,
                          Instant sentAt, String messageId, String conversationId) {
}
