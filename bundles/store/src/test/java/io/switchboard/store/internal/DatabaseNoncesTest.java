package io.switchboard.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testkit.TestClock;
import io.switchboard.testkit.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A nonce is taken once per scope while its claim stands, on H2 and PostgreSQL alike, and across a restart. */
class DatabaseNoncesTest {

    TestDatabase db;
    final TestClock clock = TestClock.at("2026-12-07T08:00:00Z");

    @AfterEach
    void drop() {
        if (db != null) {
            db.close();
        }
    }

    DatabaseNonces open(TestDatabase.Kind kind) {
        db = TestDatabase.create(kind);
        return new DatabaseNonces(new JdbcStore(db.dataSource()), clock);
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aNonceIsTakenOncePerScopeUntilItsClaimEnds(TestDatabase.Kind kind) {
        DatabaseNonces nonces = open(kind);
        Instant until = clock.instant().plus(Duration.ofMinutes(5));
        assertTrue(nonces.claim("wechat:main", "1733558400.81729", until));
        assertFalse(nonces.claim("wechat:main", "1733558400.81729", until), "the same request again");
        assertTrue(nonces.claim("wechat:other", "1733558400.81729", until), "another account's nonce is its own");
        // after a restart (a new instance on the same database), still taken
        assertFalse(new DatabaseNonces(new JdbcStore(db.dataSource()), clock).claim("wechat:main", "1733558400.81729", until));
        // once its window has passed the signature is refused anyway; the row goes, and the nonce may come again
        clock.set(until.plusSeconds(1));
        assertTrue(nonces.claim("wechat:main", "1733558400.81729", clock.instant().plus(Duration.ofMinutes(5))));
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aReleasedClaimLetsTheRetryIn(TestDatabase.Kind kind) {
        DatabaseNonces nonces = open(kind);
        Instant until = clock.instant().plus(Duration.ofMinutes(5));
        assertTrue(nonces.claim("voice", "sha256=ab12", until));
        nonces.release("voice", "sha256=ab12");
        assertTrue(nonces.claim("voice", "sha256=ab12", until));
    }

    @Test
    void ofTwentyRacingClaimsOneWinsOnPostgres() throws Exception {
        DatabaseNonces nonces = open(TestDatabase.Kind.POSTGRESQL);
        Instant until = clock.instant().plus(Duration.ofMinutes(5));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> claims = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                claims.add(() -> nonces.claim("logistics", "race", until));
            }
            long won = 0;
            for (Future<Boolean> f : pool.invokeAll(claims)) {
                won += f.get() ? 1 : 0;
            }
            assertEquals(1, won);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anEmptyOrOverlongNonceIsAMistake() {
        DatabaseNonces nonces = open(TestDatabase.Kind.H2);
        assertThrows(IllegalArgumentException.class, () -> nonces.claim("wechat:main", "", clock.instant()));
        assertThrows(IllegalArgumentException.class, () -> nonces.claim("wechat:main", "x".repeat(201), clock.instant()));
    }
}
