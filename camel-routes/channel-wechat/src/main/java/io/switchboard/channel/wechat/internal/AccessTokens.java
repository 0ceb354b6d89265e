package io.switchboard.channel.wechat.internal;

import io.switchboard.store.Store;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * The account's access token, kept in the database. WeChat allows 2,000 token requests a day and a
 * new token retires the old one within minutes, so every node shares one token instead of each
 * taking its own from the others.
 */
final class AccessTokens {

    /** What {@code /cgi-bin/token} granted. */
    record Grant(String accessToken, long expiresInSeconds) {
    }

    interface Source {
        Grant fetch() throws Exception;
    }

    private record Held(String token, Instant useUntil) {
    }

    private final Store store;
    private final String appId;
    private final Source source;
    private final Clock clock;

    AccessTokens(Store store, String appId, Source source, Clock clock) {
        this.store = store;
        this.appId = appId;
        this.source = source;
        this.clock = clock;
    }

    /** A token good for now: the stored one while it lasts, else a new one. */
    synchronized String current() throws Exception {
        Optional<Held> held = held();
        if (held.isPresent() && held.get().useUntil().isAfter(clock.instant())) {
            return held.get().token();
        }
        return renewed();
    }

    /**
     * A replacement for {@code stale}, which WeChat refused. If another thread or node already
     * replaced it, that token is taken rather than retiring it with yet another.
     */
    synchronized String replace(String stale) throws Exception {
        Optional<Held> held = held();
        if (held.isPresent() && !held.get().token().equals(stale) && held.get().useUntil().isAfter(clock.instant())) {
            return held.get().token();
        }
        return renewed();
    }

    private String renewed() throws Exception {
        Instant fetched = clock.instant();
        Grant grant = source.fetch();
        // stop using it a little early (5 minutes, or half its life if that is short)
        long lifetime = Math.max(1, grant.expiresInSeconds());
        Instant useUntil = fetched.plusSeconds(Math.max(lifetime - 300, lifetime / 2));
        store.inTransaction(s -> {
            save(s.connection(), grant.accessToken(), useUntil, fetched);
            return null;
        });
        return grant.accessToken();
    }

    private Optional<Held> held() {
        return store.inTransaction(s -> {
            try (PreparedStatement ps = s.connection().prepareStatement(
                    "SELECT access_token, use_until FROM wechat_access_token WHERE app_id = ?")) {
                ps.setString(1, appId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next()
                            ? Optional.of(new Held(rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant()))
                            : Optional.empty();
                }
            }
        });
    }

    private void save(java.sql.Connection c, String token, Instant useUntil, Instant fetched) throws SQLException {
        if (update(c, token, useUntil, fetched)) {
            return;
        }
        Savepoint savepoint = c.setSavepoint();
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO wechat_access_token (app_id, access_token, use_until, fetched_at) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, appId);
            ps.setString(2, token);
            ps.setObject(3, useUntil.atOffset(ZoneOffset.UTC));
            ps.setObject(4, fetched.atOffset(ZoneOffset.UTC));
            ps.executeUpdate();
            c.releaseSavepoint(savepoint);
        } catch (SQLException e) {
            if (!"23505".equals(e.getSQLState())) {
                throw e;
            }
            // another node stored its first token at the same moment; ours is the newer, WeChat retires theirs
            c.rollback(savepoint);
            update(c, token, useUntil, fetched);
        }
    }

    private boolean update(java.sql.Connection c, String token, Instant useUntil, Instant fetched) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE wechat_access_token SET access_token = ?, use_until = ?, fetched_at = ? WHERE app_id = ?")) {
            ps.setString(1, token);
            ps.setObject(2, useUntil.atOffset(ZoneOffset.UTC));
            ps.setObject(3, fetched.atOffset(ZoneOffset.UTC));
            ps.setString(4, appId);
            return ps.executeUpdate() == 1;
        }
    }
}
