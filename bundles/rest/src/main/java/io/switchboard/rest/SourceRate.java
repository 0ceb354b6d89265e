package io.switchboard.rest;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per source (the sender's address, an account): {@code perMinute} requests a
 * minute, in bursts of up to that many. Every channel endpoint answers a source over its rate with
 * 429 and {@code Retry-After} before anything reaches the bus. Sources are forgotten least recently
 * used first, so a flood of new addresses costs bounded memory.
 */
public final class SourceRate {

    private static final int MAX_SOURCES = 10_000;

    private final double perMinute;
    private final Map<String, double[]> buckets = new LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
            return size() > MAX_SOURCES;
        }
    };

    public SourceRate(int perMinute) {
        this.perMinute = Math.max(1, perMinute);
    }

    /** @return 0 if {@code source} may go on now, else the seconds until it may */
    public synchronized long waitSeconds(String source, long nowMillis) {
        double[] b = buckets.computeIfAbsent(source, k -> new double[] {perMinute, nowMillis});
        b[0] = Math.min(perMinute, b[0] + (nowMillis - b[1]) * perMinute / 60_000.0);
        b[1] = nowMillis;
        if (b[0] >= 1) {
            b[0] -= 1;
            return 0;
        }
        return (long) Math.ceil((1 - b[0]) * 60.0 / perMinute);
    }
}
