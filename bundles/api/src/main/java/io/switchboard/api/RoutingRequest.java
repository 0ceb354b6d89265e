package io.switchboard.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One round of routing: the queue (highest priority first, then longest waiting), the agents who
 * are not offline with what they already carry, the time the snapshot was taken, and after how long
 * a waiting conversation may overflow beyond the contact centre's own agents.
 */
public record RoutingRequest(List<QueuedConversation> queue, List<AgentLoad> agents, Instant now,
                             Duration overflowAfter) {

    public RoutingRequest {
        queue = List.copyOf(queue);
        agents = List.copyOf(agents);
        Objects.requireNonNull(now, "now is required");
        overflowAfter = overflowAfter == null ? Duration.ZERO : overflowAfter;
    }
}
