package io.switchboard.systems.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The circuit breaker in front of a system. After {@code threshold} calls in a row
 * found it unreachable it opens: the connector takes no request for {@code coolDown} (they wait on
 * the bus), then lets one call through; a success closes it, a failure opens it for another
 * cool-down. "Down" starts when it first opens and ends with the first success, which is what
 * {@code system.down} and {@code system.up} report.
 *
 * <p>Waiting happens on this object's monitor, so {@link #wake()} (a stop, a new configuration)
 * ends every wait at once.
 */
public final class Breaker {

    public enum State { CLOSED, OPEN, HALF_OPEN }

    /** What {@code GET /switchboard/api/systems} and the events show. */
    public record Status(State state, int consecutiveFailures, String lastFailure, Instant downSince, Instant openUntil,
                  Instant lastSuccess) {
    }

    private final Clock clock;
    private int threshold;
    private Duration coolDown;
    private State state = State.CLOSED;
    private int consecutiveFailures;
    private String lastFailure;
    private Instant downSince;
    private Instant openUntil;
    private Instant lastSuccess;

    public Breaker(Clock clock, int threshold, Duration coolDown) {
        this.clock = clock;
        configure(threshold, coolDown);
    }

    public synchronized void configure(int threshold, Duration coolDown) {
        this.threshold = Math.max(1, threshold);
        this.coolDown = coolDown;
        if (openUntil != null) {
            // a shorter cool-down applies to the one running
            Instant sooner = clock.instant().plus(coolDown);
            if (sooner.isBefore(openUntil)) {
                openUntil = sooner;
            }
        }
        notifyAll();
    }

    public synchronized Status status() {
        return new Status(state, consecutiveFailures, lastFailure, downSince, openUntil, lastSuccess);
    }

    /** @return when it went down, if this failure opened it for the first time (publish system.down) */
    public synchronized Optional<Instant> failed(String reason) {
        consecutiveFailures++;
        lastFailure = reason;
        if (state == State.HALF_OPEN || consecutiveFailures >= threshold) {
            state = State.OPEN;
            openUntil = clock.instant().plus(coolDown);
            if (downSince == null) {
                downSince = clock.instant();
                return Optional.of(downSince);
            }
        }
        return Optional.empty();
    }

    /** @return how long it was down, if it was (publish system.up) */
    public synchronized Optional<Duration> answered() {
        Instant now = clock.instant();
        Optional<Duration> wasDown = downSince == null ? Optional.empty() : Optional.of(Duration.between(downSince, now));
        state = State.CLOSED;
        consecutiveFailures = 0;
        downSince = null;
        openUntil = null;
        lastSuccess = now;
        return wasDown;
    }

    /**
     * Waits while it is open, at most until {@code deadline}.
     *
     * @return whether a call may go now (false: the deadline came, or {@code stopping} said so)
     */
    public synchronized boolean awaitPermit(Instant deadline, java.util.function.BooleanSupplier stopping) throws InterruptedException {
        while (!stopping.getAsBoolean()) {
            Instant now = clock.instant();
            if (state != State.OPEN || !now.isBefore(openUntil)) {
                if (state == State.OPEN) {
                    state = State.HALF_OPEN;
                }
                return true;
            }
            if (!now.isBefore(deadline)) {
                return false;
            }
            Instant until = openUntil.isBefore(deadline) ? openUntil : deadline;
            wait(Math.max(1, Duration.between(now, until).toMillis()));
        }
        return false;
    }

    /** Sleeps {@code pause} between two attempts unless woken; false if {@code stopping}. */
    public synchronized boolean pause(Duration pause, java.util.function.BooleanSupplier stopping) throws InterruptedException {
        Instant end = clock.instant().plus(pause);
        while (!stopping.getAsBoolean()) {
            Instant now = clock.instant();
            if (!now.isBefore(end)) {
                return true;
            }
            wait(Math.max(1, Duration.between(now, end).toMillis()));
        }
        return false;
    }

    public synchronized void wake() {
        notifyAll();
    }
}
