package io.switchboard.api;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * An agent as routing sees them: their profile and presence, how many conversations they carry now
 * per channel, and since when they have had nothing new (the fairness key: longest idle first).
 */
public record AgentLoad(Agent agent, Map<String, Integer> active, Instant idleSince) {

    public AgentLoad {
        Objects.requireNonNull(agent, "agent is required");
        active = active == null ? Map.of() : Map.copyOf(active);
    }

    /** Conversations the agent may still take on {@code channel}: capacity left, never negative. */
    public int freeOn(String channel) {
        Integer capacity = agent.capacity().get(channel);
        if (capacity == null) {
            capacity = agent.capacity().getOrDefault("*", 0);
        }
        return Math.max(0, capacity - active.getOrDefault(channel, 0));
    }
}
