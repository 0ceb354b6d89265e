package io.switchboard.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that stands still until a test moves it, for code that takes a {@link Clock}; UTC. */
public final class TestClock extends Clock {

    private volatile Instant now;

    private TestClock(Instant now) {
        this.now = now;
    }

    public static TestClock at(Instant now) {
        return new TestClock(now);
    }

    public static TestClock at(String isoInstant) {
        return at(Instant.parse(isoInstant));
    }

    public void set(Instant instant) {
        now = instant;
    }

    public void advance(Duration by) {
        now = now.plus(by);
    }

    @Override
    public Instant instant() {
        return now;
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
