package io.switchboard.store.internal;

import io.switchboard.api.CanonicalJson;
import io.switchboard.api.ChannelAddress;
import io.switchboard.api.ContentPart;
import io.switchboard.api.Direction;
import io.switchboard.api.Message;
import io.switchboard.store.Messages;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

final class JdbcMessages implements Messages {

    private static final String COLUMNS = "id, conversation_id, customer_id, direction, channel, address,"
            + " channel_message_id, agent_id, sent_at, text, body";

    /** The parts and headers of a message, kept as one JSON document: their shape grows with channels. */
    public record Body(List<ContentPart> parts, Map<String, String> headers) {
    }

    private final Connection connection;
    private final CanonicalJson json;

    JdbcMessages(Connection connection, CanonicalJson json) {
        this.connection = connection;
        this.json = json;
    }

    @Override
    public boolean insert(Message m) throws SQLException {
        // A repeat is found by the constraints rather than a look-up first: that also holds when two
        // consumers race.
        return Sql.insertOnce(connection, () -> {
            try (PreparedStatement ps = connection.prepareStatement("INSERT INTO sb_message (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, m.id());
                ps.setString(2, m.conversationId());
                ps.setString(3, m.customerId());
                ps.setString(4, m.direction().name());
                ps.setString(5, m.address().channel());
                ps.setString(6, m.address().address());
                ps.setString(7, m.channelMessageId());
                ps.setString(8, m.agentId());
                Sql.setInstant(ps, 9, m.time());
                ps.setString(10, m.text());
                ps.setString(11, json.toJson(new Body(m.parts(), m.headers())));
                ps.executeUpdate();
            }
        });
    }

    @Override
    public Optional<Message> byId(String id) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT " + COLUMNS + " FROM sb_message WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    @Override
    public List<Message> inConversation(String conversationId, int limit) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT " + COLUMNS
                + " FROM sb_message WHERE conversation_id = ? ORDER BY sent_at, seq")) {
            ps.setMaxRows(limit);
            ps.setString(1, conversationId);
            try (ResultSet rs = ps.executeQuery()) {
                List<Message> result = new ArrayList<>();
                while (rs.next()) {
                    result.add(read(rs));
                }
                return result;
            }
        }
    }

    private Message read(ResultSet rs) throws SQLException {
        Body body = json.fromJson(rs.getString("body"), Body.class);
        return new Message(rs.getString("id"), rs.getString("channel_message_id"),
                Direction.valueOf(rs.getString("direction")),
                new ChannelAddress(rs.getString("channel"), rs.getString("address")),
                rs.getString("conversation_id"), rs.getString("customer_id"), rs.getString("agent_id"),
                Sql.instant(rs, "sent_at"), body.parts(), body.headers());
    }
}
