package io.switchboard.channel.email.internal;

import io.switchboard.store.StoreSession;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
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
        if (exists(s, id)) {
            return;
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

    /**
     * Keeps a file of a large mail as it arrives from the mail server, never whole in memory: the
     * drivers take a stream of unknown length (H2 into its LOB store, PostgreSQL's driver through a
     * temporary file). Unless a redelivery kept it already, when the stream is not even opened.
     *
     * @return the bytes kept, or -1 if it was there already
     */
    static long keep(StoreSession s, String id, String messageId, String name, String mimeType, InputStream content)
            throws SQLException {
        if (exists(s, id)) {
            return -1;
        }
        Counted counted = new Counted(content);
        try (PreparedStatement ps = s.connection().prepareStatement(
                "INSERT INTO email_attachment (id, message_id, name, mime_type, size, content, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, messageId);
            ps.setString(3, Correspondence.clip(name, 255));
            ps.setString(4, Correspondence.clip(mimeType, 127));
            ps.setLong(5, 0);
            ps.setBinaryStream(6, counted);
            ps.setObject(7, Instant.now().atOffset(ZoneOffset.UTC));
            ps.executeUpdate();
        }
        // the size is known once the driver has read the stream to its end
        try (PreparedStatement ps = s.connection().prepareStatement("UPDATE email_attachment SET size = ? WHERE id = ?")) {
            ps.setLong(1, counted.count);
            ps.setString(2, id);
            ps.executeUpdate();
        }
        return counted.count;
    }

    private static boolean exists(StoreSession s, String id) throws SQLException {
        try (PreparedStatement ps = s.connection().prepareStatement("SELECT 1 FROM email_attachment WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
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

    private static final class Counted extends FilterInputStream {
        long count;

        Counted(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
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
