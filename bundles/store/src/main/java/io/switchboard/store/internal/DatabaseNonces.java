package io.switchboard.store.internal;

import io.switchboard.store.Nonces;
import io.switchboard.store.Store;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Claimed nonces as rows of {@code sb_nonce}; a claim is a row its primary key lets in once. */
@Component(service = Nonces.class)
public class DatabaseNonces implements Nonces {

    /** Longest scope or nonce kept: what the column holds. */
    static final int MAX_LENGTH = 200;
    /** Expired claims are deleted at most this often, by whichever claim comes first after it. */
    static final Duration SWEEP_EVERY = Duration.ofMinutes(1);

    private final Store store;
    private final Clock clock;
    private final AtomicLong nextSweep = new AtomicLong();

    @Activate
    public DatabaseNonces(@Reference Store store) {
        this(store, Clock.systemUTC());
    }

    public DatabaseNonces(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public boolean claim(String scope, String nonce, Instant until) {
        check(scope, "scope");
        check(nonce, "nonce");
        Instant now = clock.instant();
        sweepIfDue(now);
        return store.inTransaction(s -> {
            // an expired claim of the same nonce no longer stands
            try (PreparedStatement ps = s.connection().prepareStatement(
                    "DELETE FROM sb_nonce WHERE scope = ? AND nonce = ? AND expires_at < ?")) {
                ps.setString(1, scope);
                ps.setString(2, nonce);
                Sql.setInstant(ps, 3, now);
                ps.executeUpdate();
            }
            return Sql.insertOnce(s.connection(), () -> {
                try (PreparedStatement ps = s.connection().prepareStatement(
                        "INSERT INTO sb_nonce (scope, nonce, expires_at) VALUES (?, ?, ?)")) {
                    ps.setString(1, scope);
                    ps.setString(2, nonce);
                    Sql.setInstant(ps, 3, until);
                    ps.executeUpdate();
                }
            });
        });
    }

    @Override
    public void release(String scope, String nonce) {
        store.inTransaction(s -> {
            try (PreparedStatement ps = s.connection().prepareStatement("DELETE FROM sb_nonce WHERE scope = ? AND nonce = ?")) {
                ps.setString(1, scope);
                ps.setString(2, nonce);
                return ps.executeUpdate();
            }
        });
    }

    private void sweepIfDue(Instant now) {
        long due = nextSweep.get();
        if (now.toEpochMilli() < due || !nextSweep.compareAndSet(due, now.plus(SWEEP_EVERY).toEpochMilli())) {
            return;
        }
        store.inTransaction(s -> {
            try (PreparedStatement ps = s.connection().prepareStatement("DELETE FROM sb_nonce WHERE expires_at < ?")) {
                Sql.setInstant(ps, 1, now);
                return ps.executeUpdate();
            }
        });
    }

    private static void check(String value, String what) {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("a " + what + " of 1 to " + MAX_LENGTH + " characters is needed");
        }
    }
}
