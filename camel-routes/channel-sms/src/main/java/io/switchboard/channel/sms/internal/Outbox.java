package io.switchboard.channel.sms.internal;

import io.switchboard.api.Message;
import io.switchboard.store.StoreSession;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The messages we send and what became of them. Each part the SMSC takes is written down with the
 * SMSC's id before the next goes, so a redelivered outbound message sends only the parts still
 * missing, and a receipt (which names only the SMSC's id) finds its message. A receipt may beat us
 * to it (the SMSC can answer faster than we commit): it is kept under the SMSC's id until the
 * submission is written.
 */
final class Outbox {

    static final String SENDING = "SENDING";
    static final String SUBMITTED = "SUBMITTED";
    static final String DELIVERED = "DELIVERED";
    static final String FAILED = "FAILED";

    /** A message being sent: its concatenation reference, its status and the parts already taken. */
    record Sending(String messageId, int reference, String status, Set<Integer> submitted) {
    }

    /** A message's status moved; published as {@code message.delivery}. */
    record StatusChange(String messageId, String conversationId, String address, String status, String detail) {
    }

    private Outbox() {
    }

    /** The message's row, made now if it is new; the reference follows the last one used for this phone. */
    static Sending begin(StoreSession s, Message message, String address, int parts) throws SQLException {
        Optional<Sending> existing = find(s, message.id());
        if (existing.isPresent()) {
            return existing.get();
        }
        int reference = 0;
        try (PreparedStatement ps = s.connection().prepareStatement(
                "SELECT ref FROM sms_outbound WHERE address = ? ORDER BY created_at DESC LIMIT 1")) {
            ps.setString(1, address);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    reference = (rs.getInt(1) + 1) & 0xFF;
                }
            }
        }
        Instant now = Instant.now();
        try (PreparedStatement ps = s.connection().prepareStatement(
                "INSERT INTO sms_outbound (message_id, conversation_id, address, ref, parts, status, created_at, updated_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, message.id());
            ps.setString(2, message.conversationId());
            ps.setString(3, address);
            ps.setInt(4, reference);
            ps.setInt(5, parts);
            ps.setString(6, SENDING);
            ps.setObject(7, now.atOffset(ZoneOffset.UTC));
            ps.setObject(8, now.atOffset(ZoneOffset.UTC));
            ps.executeUpdate();
        }
        return new Sending(message.id(), reference, SENDING, Set.of());
    }

    static Optional<Sending> find(StoreSession s, String messageId) throws SQLException {
        int reference;
        String status;
        try (PreparedStatement ps = s.connection().prepareStatement(
                "SELECT ref, status FROM sms_outbound WHERE message_id = ?")) {
            ps.setString(1, messageId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                reference = rs.getInt(1);
                status = rs.getString(2);
            }
        }
        Set<Integer> submitted = new HashSet<>();
        try (PreparedStatement ps = s.connection().prepareStatement(
                "SELECT seq FROM sms_submit WHERE message_id = ?")) {
            ps.setString(1, messageId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    submitted.add(rs.getInt(1));
                }
            }
        }
        return Optional.of(new Sending(messageId, reference, status, Set.copyOf(submitted)));
    }

    /** Part {@code seq} of the message was taken by the SMSC under {@code smscId}. */
    static Optional<StatusChange> submitted(StoreSession s, String messageId, int seq, String smscId)
            throws SQLException {
        String key = smscId.toLowerCase(Locale.ROOT);
        int updated;
        // the receipt may already be here, under the SMSC's id
        try (PreparedStatement ps = s.connection().prepareStatement(
                "UPDATE sms_submit SET message_id = ?, seq = ? WHERE smsc_message_id = ?")) {
            ps.setString(1, messageId);
            ps.setInt(2, seq);
            ps.setString(3, key);
            updated = ps.executeUpdate();
        }
        if (updated == 0) {
            try (PreparedStatement ps = s.connection().prepareStatement(
                    "INSERT INTO sms_submit (smsc_message_id, message_id, seq, created_at) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, key);
                ps.setString(2, messageId);
                ps.setInt(3, seq);
                ps.setObject(4, Instant.now().atOffset(ZoneOffset.UTC));
                ps.executeUpdate();
            }
        }
        return settle(s, messageId);
    }

    /** Every part is with the SMSC. */
    static Optional<StatusChange> allSubmitted(StoreSession s, String messageId) throws SQLException {
        try (PreparedStatement ps = s.connection().prepareStatement(
                "UPDATE sms_outbound SET status = ?, updated_at = ? WHERE message_id = ? AND status = ?")) {
            ps.setString(1, SUBMITTED);
            ps.setObject(2, Instant.now().atOffset(ZoneOffset.UTC));
            ps.setString(3, messageId);
            ps.setString(4, SENDING);
            if (ps.executeUpdate() == 1) {
                Optional<StatusChange> later = settle(s, messageId);
                return later.isPresent() ? later : Optional.of(change(s, messageId));
            }
        }
        return Optional.empty();
    }

    /**
     * A delivery receipt for the SMSC's {@code smscId}. SMSCs differ in writing the same id in hex
     * in submit_sm_resp and in decimal in the receipt (or the other way round); both are tried.
     */
    static Optional<StatusChange> receipt(StoreSession s, String smscId, String state, String error)
            throws SQLException {
        String key = null;
        for (String candidate : spellings(smscId)) {
            if (exists(s, candidate)) {
                key = candidate;
                break;
            }
        }
        Instant now = Instant.now();
        if (key == null) {
            key = smscId.toLowerCase(Locale.ROOT);
            try (PreparedStatement ps = s.connection().prepareStatement(
                    "INSERT INTO sms_submit (smsc_message_id, receipt_state, receipt_error, created_at) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, key);
                ps.setString(2, state);
                ps.setString(3, error);
                ps.setObject(4, now.atOffset(ZoneOffset.UTC));
                ps.executeUpdate();
            }
            return Optional.empty();
        }
        try (PreparedStatement ps = s.connection().prepareStatement(
                "UPDATE sms_submit SET receipt_state = ?, receipt_error = ? WHERE smsc_message_id = ?")) {
            ps.setString(1, state);
            ps.setString(2, error);
            ps.setString(3, key);
            ps.executeUpdate();
        }
        String messageId = null;
        try (PreparedStatement ps = s.connection().prepareStatement(
                "SELECT message_id FROM sms_submit WHERE smsc_message_id = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    messageId = rs.getString(1);
                }
            }
        }
        return messageId == null ? Optional.empty() : settle(s, messageId);
    }

    static Optional<String> status(StoreSession s, String messageId) throws SQLException {
        try (PreparedStatement ps = s.connection().prepareStatement(
                "SELECT status FROM sms_outbound WHERE message_id = ?")) {
            ps.setString(1, messageId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /**
     * The message's status from its parts' receipts: FAILED as soon as one part is final and not
     * delivered (the phone cannot read the message whole), DELIVERED once every part is.
     */
    private static Optional<StatusChange> settle(StoreSession s, String messageId) throws SQLException {
        int parts;
        String status;
        try (PreparedStatement ps = s.connection().prepareStatement(
                "SELECT parts, status FROM sms_outbound WHERE message_id = ?")) {
            ps.setString(1, messageId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                parts = rs.getInt(1);
                status = rs.getString(2);
            }
        }
        if (FAILED.equals(status) || DELIVERED.equals(status)) {
            return Optional.empty();
        }
        int delivered = 0;
        String failure = null;
        try (PreparedStatement ps = s.connection().prepareStatement(
                "SELECT seq, receipt_state, receipt_error FROM sms_submit WHERE message_id = ? ORDER BY seq")) {
            ps.setString(1, messageId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String state = rs.getString(2);
                    if ("DELIVRD".equals(state)) {
                        delivered++;
                    } else if (state != null && isFinal(state) && failure == null) {
                        failure = "part " + rs.getInt(1) + ": " + state
                                + (rs.getString(3) != null ? " err:" + rs.getString(3) : "");
                    }
                }
            }
        }
        String next = failure != null ? FAILED : delivered >= parts ? DELIVERED : null;
        if (next == null) {
            return Optional.empty();
        }
        try (PreparedStatement ps = s.connection().prepareStatement(
                "UPDATE sms_outbound SET status = ?, detail = ?, updated_at = ? WHERE message_id = ?")) {
            ps.setString(1, next);
            ps.setString(2, failure);
            ps.setObject(3, Instant.now().atOffset(ZoneOffset.UTC));
            ps.setString(4, messageId);
            ps.executeUpdate();
        }
        return Optional.of(change(s, messageId));
    }

    private static StatusChange change(StoreSession s, String messageId) throws SQLException {
        try (PreparedStatement ps = s.connection().prepareStatement(
                "SELECT conversation_id, address, status, detail FROM sms_outbound WHERE message_id = ?")) {
            ps.setString(1, messageId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new StatusChange(messageId, rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4));
            }
        }
    }

    /** ENROUTE and ACCEPTD say the SMSC still tries; the rest are the end of the road. */
    private static boolean isFinal(String state) {
        return !"ENROUTE".equals(state) && !"ACCEPTD".equals(state);
    }

    private static boolean exists(StoreSession s, String key) throws SQLException {
        try (PreparedStatement ps = s.connection().prepareStatement(
                "SELECT 1 FROM sms_submit WHERE smsc_message_id = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    static List<String> spellings(String smscId) {
        String id = smscId.strip().toLowerCase(Locale.ROOT);
        List<String> all = new ArrayList<>(List.of(id));
        try {
            if (id.matches("[0-9]{1,38}")) {
                all.add(new BigInteger(id).toString(16));
            }
            if (id.matches("[0-9a-f]{1,32}")) {
                all.add(new BigInteger(id, 16).toString());
            }
        } catch (NumberFormatException ignored) {
            // not a number in either base: only the id as given
        }
        return all;
    }
}
