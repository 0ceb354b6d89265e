package io.switchboard.flows.internal;

import java.time.Instant;

/** A connected system as sb.events last reported it: {@code UP} or {@code DOWN} since a time, and why. */
public record SystemStatus(String system, String state, Instant since, String reason, Instant updatedAt) {
    public static final String UP = "UP";
    public static final String DOWN = "DOWN";
}
