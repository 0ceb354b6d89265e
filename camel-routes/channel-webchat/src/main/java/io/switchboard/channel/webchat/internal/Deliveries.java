package io.switchboard.channel.webchat.internal;

import io.switchboard.store.StoreSession;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * What the agents sent each visitor, numbered: the number is the SSE event id, so a reconnecting
 * widget (Last-Event-ID) gets exactly what it missed.
 */
final class Deliveries {

    record Delivery(long seq, String body) {
    }

    private Deliveries() {
    }

    /** @return false if this message was recorded before (a redelivery from the bus) */
    static boolean record(StoreSession s, String visitorId, String messageId, String body) throws SQLException {
        Savepoint savepoint = s.connection().setSavepoint();
        try (PreparedStatement ps = s.connection().prepareStatement(
                "INSERT INTO webchat_delivery (visitor_id, message_id, body, created_at) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, visitorId);
            ps.setString(2, messageId);
            ps.setString(3, body);
            ps.setObject(4, Instant.now().atOffset(ZoneOffset.UTC));
            ps.executeUpdate();
            s.connection().releaseSavepoint(savepoint);
            return true;
        } catch (SQLException e) {
            if (!"23505".equals(e.getSQLState())) {
                throw e;
            }
            s.connection().rollback(savepoint);
            return false;
        }
    }

    /** Deliveries after {@code seq}, oldest first; with no {@code seq} (0) the latest {@code limit}. */
    static List<Delivery> after(StoreSession s, String visitorId, long seq, int limit) throws SQLException {
        String sql = seq > 0
                ? "SELECT seq, body FROM webchat_delivery WHERE visitor_id = ? AND seq > ? ORDER BY seq"
                : "SELECT seq, body FROM webchat_delivery WHERE visitor_id = ? AND seq > ? ORDER BY seq DESC";
        try (PreparedStatement ps = s.connection().prepareStatement(sql)) {
            ps.setMaxRows(limit);
            ps.setString(1, visitorId);
            ps.setLong(2, seq);
            List<Delivery> result = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(new Delivery(rs.getLong(1), rs.getString(2)));
                }
            }
            if (seq <= 0) {
                java.util.Collections.reverse(result);
            }
            return result;
        }
    }
}
