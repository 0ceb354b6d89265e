package io.switchboard.channel.webchat.internal;

import io.switchboard.api.ChannelAddress;
import io.switchboard.api.ConversationState;
import io.switchboard.api.Ids;
import io.switchboard.store.StoreSession;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;

/**
 * Web-chat visitors and the conversation each one is in. The channel settles the conversation id
 * before the message goes on the bus, so the visitor's 202 can name it; the core then keeps it.
 */
final class Visitors {

    static final String CHANNEL = "webchat";
    /** Long enough that a visitor id cannot be guessed: it is the only key to the visitor's stream. */
    static final String ID_PATTERN = "[A-Za-z0-9_-]{16,128}";

    private static final SecureRandom RANDOM = new SecureRandom();

    private Visitors() {
    }

    /** 128 random bits, URL-safe. */
    static String newVisitorId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static ChannelAddress address(String visitorId) {
        return new ChannelAddress(CHANNEL, visitorId);
    }

    /** The visitor's open conversation, or a new id for the next one if theirs closed or they are new. */
    static String conversationFor(StoreSession s, String visitorId) throws SQLException {
        Optional<String> current = current(s, visitorId);
        if (current.isPresent()) {
            var state = s.conversations().stateOf(current.get());
            if (state.isEmpty() || state.get() != ConversationState.CLOSED) {
                return current.get();
            }
            String next = Ids.newId();
            try (PreparedStatement ps = s.connection().prepareStatement(
                    "UPDATE webchat_visitor SET conversation_id = ? WHERE visitor_id = ? AND conversation_id = ?")) {
                ps.setString(1, next);
                ps.setString(2, visitorId);
                ps.setString(3, current.get());
                return ps.executeUpdate() == 1 ? next : current(s, visitorId).orElseThrow();
            }
        }
        String id = Ids.newId();
        Savepoint savepoint = s.connection().setSavepoint();
        try (PreparedStatement ps = s.connection().prepareStatement(
                "INSERT INTO webchat_visitor (visitor_id, conversation_id, created_at) VALUES (?, ?, ?)")) {
            ps.setString(1, visitorId);
            ps.setString(2, id);
            ps.setObject(3, Instant.now().atOffset(ZoneOffset.UTC));
            ps.executeUpdate();
            s.connection().releaseSavepoint(savepoint);
            return id;
        } catch (SQLException e) {
            if (!"23505".equals(e.getSQLState())) {
                throw e;
            }
            // the visitor's first two messages raced: take the winner's conversation
            s.connection().rollback(savepoint);
            return current(s, visitorId).orElseThrow(() -> e);
        }
    }

    private static Optional<String> current(StoreSession s, String visitorId) throws SQLException {
        try (PreparedStatement ps = s.connection().prepareStatement(
                "SELECT conversation_id FROM webchat_visitor WHERE visitor_id = ?")) {
            ps.setString(1, visitorId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }
}
