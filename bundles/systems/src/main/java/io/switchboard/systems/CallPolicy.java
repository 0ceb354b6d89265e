package io.switchboard.systems;

import java.time.Duration;
import java.util.Objects;

/**
 * How hard a connector tries. {@code failureThreshold} unreachable calls in a row open the breaker
 * for {@code coolDown}; the pause between two attempts doubles from {@code retryFirst} up to
 * {@code retryMax}; one request is held at most {@code hold} (keep it below the broker's
 * transaction timeout, 300 s) before it goes back to the bus and is taken again.
 */
public record CallPolicy(int failureThreshold, Duration coolDown, Duration retryFirst, Duration retryMax, Duration hold) {

    public CallPolicy {
        failureThreshold = Math.max(1, failureThreshold);
        Objects.requireNonNull(coolDown, "coolDown");
        Objects.requireNonNull(retryFirst, "retryFirst");
        Objects.requireNonNull(retryMax, "retryMax");
        Objects.requireNonNull(hold, "hold");
    }

    /** From a connector's configuration in the units its {@code etc/*.cfg} uses, with floors against zeros. */
    public static CallPolicy of(int failureThreshold, int coolDownSeconds, int retryFirstMillis, int retryMaxSeconds,
                                int holdSeconds) {
        return new CallPolicy(failureThreshold, Duration.ofSeconds(Math.max(1, coolDownSeconds)),
                Duration.ofMillis(Math.max(10, retryFirstMillis)), Duration.ofSeconds(Math.max(1, retryMaxSeconds)),
                Duration.ofSeconds(Math.max(5, holdSeconds)));
    }
}
