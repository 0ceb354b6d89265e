package io.switchboard.api;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One thing that happened with a customer, on any channel: a message, a call event, a work-order
 * change, a proactive push, a conversation's step. {@code summary} is what a person reads on the
 * timeline; {@code data} carries the kind's own fields (a recording link, a work order's number).
 */
public record TimelineEntry(String id, String customerId, String conversationId, Instant time, Kind kind,
                            String channel, Direction direction, String agentId, String summary,
                            Map<String, String> data) {

    public enum Kind { MESSAGE, CALL, WORK_ORDER, PUSH, CONVERSATION }

    public TimelineEntry {
        ChannelAddress.requireText(id, "id");
        ChannelAddress.requireText(customerId, "customerId");
        Objects.requireNonNull(time, "time is required");
        Objects.requireNonNull(kind, "kind is required");
        data = data == null ? Map.of() : Map.copyOf(data);
    }
}
