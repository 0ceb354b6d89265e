package io.switchboard.channel.email.internal;

import io.switchboard.store.StoreSession;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * Files from customers' mails, kept in the channel's table: the canonical model carries a URL, not
 * bytes, and the bus should not carry megabytes of PDF to every consumer of sb.inbound. Agents
 * fetch them at {@link #PATH} with their login.
 */
final class Attachments {

    /** Where an attachment is served, relative to the server. */
    static final String PATH = "/switchboard/api/email/attachments/";

    record Stored(String id, String name, String mimeType, byte[] content) {
    }

    private Attachments() {
    }

    /** Keeps the file unless a redelivery of the same mail kept it already. */
    static void keep(StoreSession s, String id, String messageId, ReceivedMail.Attachment a) throws SQLException {
        try (PreparedStatement ps = s.connection().prepareStatement("SELECT 1 FROM email_attachment WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
        }
        try (PreparedStatement ps = s.connection().prepareStatement(
                "INSERT INTO email_attachment (id, message_id, name, mime_type, size, content, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, messageId);
            ps.setString(3, Correspondence.clip(a.name(), 255));
            ps.setString(4, Correspondence.clip(a.mimeType(), 127));
            ps.setLong(5, a.content().length);
            ps.setBytes(6, a.content());
            ps.setObject(7, Instant.now().atOffset(ZoneOffset.UTC));
            ps.executeUpdate();
        }
    }

    static Optional<Stored> find(StoreSession s, String id) throws SQLException {
        try (PreparedStatement ps = s.connection().prepareStatement(
                "SELECT id, name, mime_type, content FROM email_attachment WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Stored(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBytes(4)))
                        : Optional.empty();
            }
        }
    }

    /** The id in one of our attachment URLs, or null for any other URL. */
    static String idIn(String url) {
        if (url == null) {
            return null;
        }
        int at = url.indexOf(PATH);
        if (at < 0) {
            return null;
        }
        String id = url.substring(at + PATH.length());
        return id.matches("[0-9a-fA-F-]{36}") ? id : null;
    }
}
