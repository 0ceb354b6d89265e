package io.switchboard.api;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A connector's answer to a {@link SystemRequest}. {@code OK}: the system answered, {@code data}
 * holds what it said. {@code FAULT}: the system answered with an error of its own (a SOAP fault, a
 * 4xx with a reason), in {@code fault}, for a person to read; asking again would not help.
 * {@code EXPIRED}: the system stayed unreachable until the request's {@code expiresAt}.
 */
public record SystemReply(String requestId, String system, String operation, Status status,
                          Map<String, String> data, String fault, Instant answeredAt) {

    public enum Status { OK, FAULT, EXPIRED }

    public SystemReply {
        ChannelAddress.requireText(requestId, "requestId");
        Objects.requireNonNull(status, "status is required");
        Objects.requireNonNull(answeredAt, "answeredAt is required");
        data = data == null ? Map.of() : Map.copyOf(data);
    }
}
