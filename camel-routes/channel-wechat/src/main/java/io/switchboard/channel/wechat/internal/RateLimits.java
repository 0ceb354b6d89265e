package io.switchboard.channel.wechat.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per source (a remote address, an OpenID): {@code perMinute} requests a minute, in
 * bursts of up to a minute's worth. Kept in memory: it guards this node against a flood, and a
 * restart forgetting it costs nothing.
 */
final class RateLimits {

    /** Beyond this many sources, idle (full) buckets are dropped; past it again, all are. */
    static final int MAX_SOURCES = 50_000;

    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    private final int perMinute;
    private final LongSupplier nanos;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** @param perMinute 0 or less: no limit */
    RateLimits(int perMinute, LongSupplier nanos) {
        this.perMinute = perMinute;
        this.nanos = nanos;
    }

    RateLimits(int perMinute) {
        this(perMinute, System::nanoTime);
    }

    /**
     * Takes a token for {@code source}.
     *
     * @return 0 if the request may go on, else the whole seconds until it may (for Retry-After)
     */
    long take(String source) {
        if (perMinute <= 0) {
            return 0;
        }
        if (buckets.size() > MAX_SOURCES) {
            forgetIdle();
        }
        long now = nanos.getAsLong();
        Bucket b = buckets.computeIfAbsent(source, k -> new Bucket(perMinute, now));
        synchronized (b) {
            refill(b, now);
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return 0;
            }
            double seconds = (1 - b.tokens) * 60.0 / perMinute;
            return Math.max(1, (long) Math.ceil(seconds));
        }
    }

    private void refill(Bucket b, long now) {
        double elapsedMinutes = (now - b.at) / 60e9;
        b.tokens = Math.min(perMinute, b.tokens + elapsedMinutes * perMinute);
        b.at = now;
    }

    private void forgetIdle() {
        long now = nanos.getAsLong();
        buckets.values().removeIf(b -> {
            synchronized (b) {
                refill(b, now);
                return b.tokens >= perMinute;
            }
        });
        if (buckets.size() > MAX_SOURCES) {
            // a flood from that many sources is not stopped here; memory must not be its victim
            buckets.clear();
        }
    }
}
