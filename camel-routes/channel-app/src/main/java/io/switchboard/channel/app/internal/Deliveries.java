package io.switchboard.channel.app.internal;

import io.switchboard.store.StoreSession;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * The offline queue: every agent reply to an app user, numbered 1, 2, 3… per user without gaps, in
 * the database before the bus forgets it. Devices read it from their last acknowledged number, so a
 * reply sent while the phone was off, or lost in a cut connection, arrives on reconnect, once.
 */
final class Deliveries {

    record Delivery(long seq, String frame) {
    }

    private Deliveries() {
    }

    /**
     * Numbers and keeps the reply; {@code frame} makes the frame from its number.
     *
     * @return its number, or 0 if this message was recorded before (a redelivery from the bus)
     */
    static long record(StoreSession s, String address, String messageId, LongFunction<String> frame) throws SQLException {
        try (PreparedStatement ps = s.connection().prepareStatement("SELECT seq FROM app_delivery WHERE message_id = ?")) {
            ps.setString(1, messageId);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return 0;
                }
            }
        }
        long seq;
        try (PreparedStatement ps = s.connection().prepareStatement(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM app_delivery WHERE address = ?")) {
            ps.setString(1, address);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                seq = rs.getLong(1);
            }
        }
        Savepoint savepoint = s.connection().setSavepoint();
        try (PreparedStatement ps = s.connection().prepareStatement(
                "INSERT INTO app_delivery (address, seq, message_id, frame, created_at) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, address);
            ps.setLong(2, seq);
            ps.setString(3, messageId);
            ps.setString(4, frame.apply(seq));
            ps.setObject(5, Instant.now().atOffset(ZoneOffset.UTC));
            ps.executeUpdate();
            s.connection().releaseSavepoint(savepoint);
            return seq;
        } catch (SQLException e) {
            // another node numbered a reply to this user at the same moment: the transaction fails and
            // the bus redelivers, and the next attempt takes the next number
            s.connection().rollback(savepoint);
            throw e;
        }
    }

    /** Replies to {@code address} after {@code seq}, oldest first. */
    static List<Delivery> after(StoreSession s, String address, long seq, int limit) throws SQLException {
        try (PreparedStatement ps = s.connection().prepareStatement(
                "SELECT seq, frame FROM app_delivery WHERE address = ? AND seq > ? ORDER BY seq")) {
            ps.setMaxRows(limit);
            ps.setString(1, address);
            ps.setLong(2, seq);
            List<Delivery> result = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(new Delivery(rs.getLong(1), rs.getString(2)));
                }
            }
            return result;
        }
    }

    /** Where a device resumes when it does not say: what it last acknowledged (0 for a new device). */
    static long ackedBy(StoreSession s, String deviceKey, String address) throws SQLException {
        try (PreparedStatement ps = s.connection().prepareStatement("SELECT acked_seq FROM app_device WHERE device_key = ?")) {
            ps.setString(1, deviceKey);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return rs.getLong(1);
                }
            }
        }
        Savepoint savepoint = s.connection().setSavepoint();
        try (PreparedStatement ps = s.connection().prepareStatement(
                "INSERT INTO app_device (device_key, address, acked_seq, last_seen) VALUES (?, ?, 0, ?)")) {
            ps.setString(1, deviceKey);
            ps.setString(2, address);
            ps.setObject(3, Instant.now().atOffset(ZoneOffset.UTC));
            ps.executeUpdate();
            s.connection().releaseSavepoint(savepoint);
        } catch (SQLException e) {
            s.connection().rollback(savepoint); // the device's two connections raced; both start at 0
        }
        return 0;
    }

    /** The device has everything up to {@code seq}; never moves backwards. */
    static void acknowledged(StoreSession s, String deviceKey, long seq) throws SQLException {
        try (PreparedStatement ps = s.connection().prepareStatement(
                "UPDATE app_device SET acked_seq = ?, last_seen = ? WHERE device_key = ? AND acked_seq < ?")) {
            ps.setLong(1, seq);
            ps.setObject(2, Instant.now().atOffset(ZoneOffset.UTC));
            ps.setString(3, deviceKey);
            ps.setLong(4, seq);
            ps.executeUpdate();
        }
    }

    /** The newest number for {@code address} (0: nothing sent yet). */
    static long latest(StoreSession s, String address) throws SQLException {
        try (PreparedStatement ps = s.connection().prepareStatement("SELECT COALESCE(MAX(seq), 0) FROM app_delivery WHERE address = ?")) {
            ps.setString(1, address);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
