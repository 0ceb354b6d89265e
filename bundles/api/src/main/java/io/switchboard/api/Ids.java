package io.switchboard.api;

import java.security.SecureRandom;
import java.util.UUID;

/** Identifiers that sort by creation time, so ids can order timelines and page through them. */
public final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    /** A UUIDv7-style id: 48 bits of milliseconds, then random bits. */
    public static String newId() {
        long millis = System.currentTimeMillis();
        long high = (millis << 16) | 0x7000L | (RANDOM.nextInt() & 0x0FFF);
        long low = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }
}
