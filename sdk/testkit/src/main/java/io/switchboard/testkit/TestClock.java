package io.switchboard.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock a test moves, for code that takes a {@link Clock}; UTC. One made {@link #at} stands still
 * until moved; one made {@link #ticking} keeps the real time, moved ahead by what the test advances,
 * for tests where a real broker and database stamp their own times beside it.
 */
public final class TestClock extends Clock {

    /** Null while the clock ticks with the real one. */
    private volatile Instant now;
    private volatile Duration ahead = Duration.ZERO;

    private TestClock(Instant now) {
        this.now = now;
    }

    public static TestClock at(Instant now) {
        return new TestClock(now);
    }

    /** The real time, until {@link #advance} moves it ahead or {@link #set} stops it. */
    public static TestClock ticking() {
        return new TestClock(null);
    }

    public static TestClock at(String isoInstant) {
        return at(Instant.parse(isoInstant));
    }

    public void set(Instant instant) {
        now = instant;
    }

    public synchronized void advance(Duration by) {
        if (now == null) {
            ahead = ahead.plus(by);
        } else {
            now = now.plus(by);
        }
    }

    @Override
    public Instant instant() {
        Instant fixed = now;
        return fixed != null ? fixed : Instant.now().plus(ahead);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
