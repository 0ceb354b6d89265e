package io.switchboard.channel.email.internal;

import io.switchboard.store.StoreSession;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Who wrote what, so mail threads: the Message-IDs of the mails we sent (a reply naming one of them
 * continues that conversation) and, per customer address, the last mail they wrote (our answer is
 * "Re:" its subject, In-Reply-To its id, References its chain).
 */
final class Correspondence {

    static final String SENDING = "SENDING";
    static final String SENT = "SENT";
    /** References kept per thread; older ones are dropped from the front, as mail clients do. */
    static final int MAX_REFERENCES = 20;

    /** A mail we sent. */
    record Sent(String mailId, String messageId, String conversationId, String address, String subject, String status) {
    }

    /** The last mail a customer address wrote us. */
    record LastMail(String subject, String mailId, List<String> references) {
    }

    private Correspondence() {
    }

    /** The first of {@code mailIds} that is one of ours. */
    static Optional<Sent> ours(StoreSession s, List<String> mailIds) throws SQLException {
        for (String id : mailIds) {
            try (PreparedStatement ps = s.connection().prepareStatement(
                    "SELECT mail_id, message_id, conversation_id, address, subject, status FROM email_sent WHERE mail_id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return Optional.of(sent(rs));
                    }
                }
            }
        }
        return Optional.empty();
    }

    static Optional<Sent> sentFor(StoreSession s, String messageId) throws SQLException {
        try (PreparedStatement ps = s.connection().prepareStatement(
                "SELECT mail_id, message_id, conversation_id, address, subject, status FROM email_sent WHERE message_id = ?")) {
            ps.setString(1, messageId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(sent(rs)) : Optional.empty();
            }
        }
    }

    private static Sent sent(ResultSet rs) throws SQLException {
        return new Sent(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6));
    }

    /** Writes the mail down before it goes, or returns what was written by an earlier attempt. */
    static Sent sending(StoreSession s, Sent mail) throws SQLException {
        Optional<Sent> existing = sentFor(s, mail.messageId());
        if (existing.isPresent()) {
            return existing.get();
        }
        try (PreparedStatement ps = s.connection().prepareStatement(
                "INSERT INTO email_sent (mail_id, message_id, conversation_id, address, subject, status, created_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, mail.mailId());
            ps.setString(2, mail.messageId());
            ps.setString(3, mail.conversationId());
            ps.setString(4, mail.address());
            ps.setString(5, clip(mail.subject(), 1000));
            ps.setString(6, SENDING);
            ps.setObject(7, Instant.now().atOffset(ZoneOffset.UTC));
            ps.executeUpdate();
        }
        return mail;
    }

    static void sent(StoreSession s, String messageId) throws SQLException {
        try (PreparedStatement ps = s.connection().prepareStatement(
                "UPDATE email_sent SET status = ?, sent_at = ? WHERE message_id = ?")) {
            ps.setString(1, SENT);
            ps.setObject(2, Instant.now().atOffset(ZoneOffset.UTC));
            ps.setString(3, messageId);
            ps.executeUpdate();
        }
    }

    static Optional<LastMail> lastMail(StoreSession s, String address) throws SQLException {
        try (PreparedStatement ps = s.connection().prepareStatement(
                "SELECT subject, mail_id, refs FROM email_correspondent WHERE address = ?")) {
            ps.setString(1, address);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String refs = rs.getString(3);
                return Optional.of(new LastMail(rs.getString(1), rs.getString(2),
                        refs == null || refs.isBlank() ? List.of() : Arrays.asList(refs.strip().split(" "))));
            }
        }
    }

    /** The customer wrote {@code mail}: our next answer to {@code address} replies to it. */
    static void wrote(StoreSession s, String address, ReceivedMail mail) throws SQLException {
        // References of the reply: theirs (oldest first) then their mail's own id
        List<String> chain = new ArrayList<>();
        List<String> nearestFirst = mail.references();
        for (int i = nearestFirst.size() - 1; i >= 0; i--) {
            chain.add(nearestFirst.get(i));
        }
        chain.remove(mail.messageId());
        if (!mail.messageId().startsWith("sha256:")) {
            chain.add(mail.messageId());
        }
        while (chain.size() > MAX_REFERENCES || String.join(" ", chain).length() > 3900) {
            chain.remove(0);
        }
        String mailId = mail.messageId().startsWith("sha256:") ? null : mail.messageId();
        Instant now = Instant.now();
        int updated;
        try (PreparedStatement ps = s.connection().prepareStatement(
                "UPDATE email_correspondent SET subject = ?, mail_id = ?, refs = ?, updated_at = ? WHERE address = ?")) {
            ps.setString(1, clip(mail.subject(), 1000));
            ps.setString(2, mailId);
            ps.setString(3, String.join(" ", chain));
            ps.setObject(4, now.atOffset(ZoneOffset.UTC));
            ps.setString(5, address);
            updated = ps.executeUpdate();
        }
        if (updated == 0) {
            try (PreparedStatement ps = s.connection().prepareStatement(
                    "INSERT INTO email_correspondent (address, subject, mail_id, refs, updated_at) VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, address);
                ps.setString(2, clip(mail.subject(), 1000));
                ps.setString(3, mailId);
                ps.setString(4, String.join(" ", chain));
                ps.setObject(5, now.atOffset(ZoneOffset.UTC));
                ps.executeUpdate();
            }
        }
    }

    static String clip(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
