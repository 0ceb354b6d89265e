package io.switchboard.channel.wechat.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimitsTest {

    final AtomicLong nanos = new AtomicLong();

    @Test
    void aBucketPerSourceRefillsAtTheRate() {
        RateLimits limits = new RateLimits(3, nanos::get);
        assertEquals(0, limits.take("a"));
        assertEquals(0, limits.take("a"));
        assertEquals(0, limits.take("a"));
        long wait = limits.take("a");
        assertEquals(20, wait, "one token every 20 s at 3 a minute");
        assertEquals(0, limits.take("b"), "another source has its own bucket");
        nanos.addAndGet(20_000_000_000L);
        assertEquals(0, limits.take("a"));
        assertTrue(limits.take("a") > 0);
        nanos.addAndGet(3_600_000_000_000L);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, limits.take("a"), "refilled to a minute's worth, no more");
        }
        assertTrue(limits.take("a") > 0);
    }

    @Test
    void zeroMeansNoLimitAndManySourcesDoNotGrowWithoutBound() {
        RateLimits none = new RateLimits(0, nanos::get);
        for (int i = 0; i < 1000; i++) {
            assertEquals(0, none.take("a"));
        }
        RateLimits limits = new RateLimits(10, nanos::get);
        for (int i = 0; i <= RateLimits.MAX_SOURCES + 10; i++) {
            limits.take("source-" + i);
        }
        assertEquals(0, limits.take("late"));
    }
}
