package io.switchboard.logins.internal;

import io.switchboard.store.Store;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * Wrong passwords per user, in the database: every {@code threshold}-th one in a row locks the user,
 * first for {@code firstLock}, each next time twice as long, at most {@code longestLock}. A right
 * password after the lock clears the count. Kept in the store, not in memory, so that a lock holds
 * across a restart and on every node.
 */
final class Lockout {

    static final String CHANGELOG = "io/switchboard/logins/db/changelog.xml";

    private final Store store;
    private final int threshold;
    private final Duration firstLock;
    private final Duration longestLock;

    Lockout(Store store, int threshold, Duration firstLock, Duration longestLock) {
        this.store = store;
        this.threshold = Math.max(1, threshold);
        this.firstLock = firstLock;
        this.longestLock = longestLock.compareTo(firstLock) < 0 ? firstLock : longestLock;
    }

    /** Until when {@code user} is locked, if they are at {@code now}. */
    Optional<Instant> lockedUntil(String user, Instant now) {
        return store.inTransaction(s -> {
            try (PreparedStatement ps = s.connection().prepareStatement(
                    "SELECT locked_until FROM sb_login_failure WHERE user_name = ?")) {
                ps.setString(1, user);
                try (ResultSet rs = ps.executeQuery()) {
                    OffsetDateTime until = rs.next() ? rs.getObject(1, OffsetDateTime.class) : null;
                    return until != null && until.toInstant().isAfter(now) ? Optional.of(until.toInstant()) : Optional.empty();
                }
            }
        });
    }

    /** Counts a wrong password; returns until when the user is locked now, if this one locked them. */
    Optional<Instant> failed(String user, Instant now) {
        return store.inTransaction(s -> {
            int failures = 1;
            try (PreparedStatement ps = s.connection().prepareStatement(
                    "SELECT failures FROM sb_login_failure WHERE user_name = ? FOR UPDATE")) {
                ps.setString(1, user);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        failures = rs.getInt(1) + 1;
                    }
                }
            }
            Instant until = failures % threshold == 0 ? now.plus(lockFor(failures / threshold)) : null;
            if (failures == 1) {
                insert(s.connection(), user, now, until);
            } else {
                try (PreparedStatement ps = s.connection().prepareStatement("UPDATE sb_login_failure SET failures = ?,"
                        + " last_failure_at = ?" + (until == null ? "" : ", locked_until = ?") + " WHERE user_name = ?")) {
                    ps.setInt(1, failures);
                    ps.setObject(2, at(now));
                    int i = 3;
                    if (until != null) {
                        ps.setObject(i++, at(until));
                    }
                    ps.setString(i, user);
                    ps.executeUpdate();
                }
            }
            return Optional.ofNullable(until);
        });
    }

    /** A right password: the count starts again. */
    void succeeded(String user) {
        store.inTransaction(s -> {
            try (PreparedStatement ps = s.connection().prepareStatement("DELETE FROM sb_login_failure WHERE user_name = ?")) {
                ps.setString(1, user);
                return ps.executeUpdate();
            }
        });
    }

    /** The {@code nth} lock in a row: twice the one before, at most the longest. */
    Duration lockFor(int nth) {
        Duration lock = firstLock;
        for (int i = 1; i < nth && lock.compareTo(longestLock) < 0; i++) {
            lock = lock.multipliedBy(2);
        }
        return lock.compareTo(longestLock) > 0 ? longestLock : lock;
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static void insert(java.sql.Connection c, String user, Instant now, Instant until) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO sb_login_failure (user_name, failures, last_failure_at, locked_until) VALUES (?, 1, ?, ?)")) {
            ps.setString(1, user);
            ps.setObject(2, at(now));
            if (until == null) {
                ps.setNull(3, java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
            } else {
                ps.setObject(3, at(until));
            }
            ps.executeUpdate();
        }
    }
}
