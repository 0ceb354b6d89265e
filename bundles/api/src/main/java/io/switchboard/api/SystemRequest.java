package io.switchboard.api;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A call to a third-party system (billing, logistics, ERP, ticketing), put on
 * {@link BusAddress#systemRequest(String)}. The connector answers with a {@link SystemReply} on
 * {@code replyTo}, a durable address of the caller ({@link BusAddress#systemReply(String)}), so an
 * answer that comes while the caller restarts waits for it. {@code id} is the caller's idempotency
 * key: the bus drops a second request with the same id, and the connector answers each id once.
 * {@code expiresAt} (optional) is when the answer no longer matters; until then a system that is
 * down is asked again when it is back.
 */
public record SystemRequest(String id, String system, String operation, Map<String, String> params,
                            String customerId, String conversationId, String replyTo, Instant requestedAt,
                            Instant expiresAt) {

    public SystemRequest {
        ChannelAddress.requireText(id, "id");
        ChannelAddress.requireText(system, "system");
        ChannelAddress.requireText(operation, "operation");
        ChannelAddress.requireText(replyTo, "replyTo");
        Objects.requireNonNull(requestedAt, "requestedAt is required");
        params = params == null ? Map.of() : Map.copyOf(params);
    }
}
