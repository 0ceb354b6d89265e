package io.switchboard.channel.wechat.internal;

import io.switchboard.store.StoreSession;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Which parts of which outbound messages went out. WeChat has no idempotency key, so a message the
 * bus delivers again (after a crash, or a retry after its second part failed) must not send the
 * customer its first part twice.
 */
final class SentParts {

    private SentParts() {
    }

    static boolean sent(StoreSession s, String messageId, int part) throws SQLException {
        try (PreparedStatement ps = s.connection().prepareStatement(
                "SELECT 1 FROM wechat_sent WHERE message_id = ? AND part = ?")) {
            ps.setString(1, messageId);
            ps.setInt(2, part);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    static void record(StoreSession s, String messageId, int part, Instant at) throws SQLException {
        Savepoint savepoint = s.connection().setSavepoint();
        try (PreparedStatement ps = s.connection().prepareStatement(
                "INSERT INTO wechat_sent (message_id, part, sent_at) VALUES (?, ?, ?)")) {
            ps.setString(1, messageId);
            ps.setInt(2, part);
            ps.setObject(3, at.atOffset(ZoneOffset.UTC));
            ps.executeUpdate();
            s.connection().releaseSavepoint(savepoint);
        } catch (SQLException e) {
            if (!"23505".equals(e.getSQLState())) {
                throw e;
            }
            s.connection().rollback(savepoint);
        }
    }

    /** Redeliveries come within minutes; a week of memory is plenty. */
    static int forget(StoreSession s, Instant before) throws SQLException {
        try (PreparedStatement ps = s.connection().prepareStatement("DELETE FROM wechat_sent WHERE sent_at < ?")) {
            ps.setObject(1, before.atOffset(ZoneOffset.UTC));
            return ps.executeUpdate();
        }
    }
}
