package io.switchboard.store.internal;

import io.switchboard.api.ChannelAddress;
import io.switchboard.api.Conversation;
import io.switchboard.api.ConversationState;
import io.switchboard.store.Conversations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

final class JdbcConversations implements Conversations {

    private static final String COLUMNS = "id, customer_id, channel, address, state, skills, priority, assigned_agent_id,"
            + " opened_at, updated_at, queued_at, first_response_at, closed_at";

    private final Connection connection;

    JdbcConversations(Connection connection) {
        this.connection = connection;
    }

    @Override
    public Optional<Conversation> byId(String id) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT " + COLUMNS + " FROM sb_conversation WHERE id = ?")) {
            ps.setString(1, id);
            return first(ps);
        }
    }

    @Override
    public Optional<ConversationState> stateOf(String id) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT state FROM sb_conversation WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(ConversationState.valueOf(rs.getString(1))) : Optional.empty();
            }
        }
    }

    @Override
    public Optional<Conversation> openOn(ChannelAddress address) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT " + COLUMNS + " FROM sb_conversation"
                + " WHERE channel = ? AND address = ? AND state <> ? ORDER BY opened_at DESC, id DESC")) {
            ps.setMaxRows(1);
            ps.setString(1, address.channel());
            ps.setString(2, address.address());
            ps.setString(3, ConversationState.CLOSED.name());
            return first(ps);
        }
    }

    @Override
    public void create(Conversation c) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO sb_conversation (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, c.id());
            ps.setString(2, c.customerId());
            ps.setString(3, c.address().channel());
            ps.setString(4, c.address().address());
            ps.setString(5, c.state().name());
            ps.setString(6, String.join(",", c.skills()));
            ps.setInt(7, c.priority());
            ps.setString(8, c.assignedAgentId());
            Sql.setInstant(ps, 9, c.openedAt());
            Sql.setInstant(ps, 10, c.updatedAt() != null ? c.updatedAt() : c.openedAt());
            Sql.setInstant(ps, 11, c.queuedAt());
            Sql.setInstant(ps, 12, c.firstResponseAt());
            Sql.setInstant(ps, 13, c.closedAt());
            ps.executeUpdate();
        }
    }

    @Override
    public List<Conversation> list(boolean openOnly, int limit) throws SQLException {
        String where = openOnly ? " WHERE state <> '" + ConversationState.CLOSED.name() + "'" : "";
        try (PreparedStatement ps = connection.prepareStatement("SELECT " + COLUMNS + " FROM sb_conversation" + where
                + " ORDER BY updated_at DESC, id DESC")) {
            ps.setMaxRows(limit);
            return all(ps);
        }
    }

    @Override
    public List<Conversation> ofCustomers(Collection<String> customerIds, boolean openOnly, int limit) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT " + COLUMNS + " FROM sb_conversation"
                + " WHERE customer_id IN (" + JdbcCustomers.marks(customerIds.size()) + ")"
                + (openOnly ? " AND state <> 'CLOSED'" : "") + " ORDER BY updated_at DESC, id DESC")) {
            ps.setMaxRows(limit);
            JdbcCustomers.bind(ps, 1, customerIds);
            return all(ps);
        }
    }

    @Override
    public List<Conversation> inState(ConversationState state, int limit) throws SQLException {
        String order = state == ConversationState.QUEUED
                ? " ORDER BY priority DESC, queued_at, id" : " ORDER BY updated_at DESC, id DESC";
        try (PreparedStatement ps = connection.prepareStatement("SELECT " + COLUMNS + " FROM sb_conversation"
                + " WHERE state = ?" + order)) {
            ps.setMaxRows(limit);
            ps.setString(1, state.name());
            return all(ps);
        }
    }

    @Override
    public List<Conversation> assignedTo(String agentId) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT " + COLUMNS + " FROM sb_conversation"
                + " WHERE assigned_agent_id = ? AND state IN ('ASSIGNED', 'WAITING') ORDER BY updated_at DESC, id DESC")) {
            ps.setString(1, agentId);
            return all(ps);
        }
    }

    @Override
    public Map<String, Map<String, Integer>> activeLoad() throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT assigned_agent_id, channel, COUNT(*)"
                + " FROM sb_conversation WHERE state IN ('ASSIGNED', 'WAITING') AND assigned_agent_id IS NOT NULL"
                + " GROUP BY assigned_agent_id, channel");
             ResultSet rs = ps.executeQuery()) {
            Map<String, Map<String, Integer>> load = new HashMap<>();
            while (rs.next()) {
                load.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).put(rs.getString(2), rs.getInt(3));
            }
            return load;
        }
    }

    @Override
    public boolean transition(String id, ConversationState from, ConversationState to, String agentId,
                              List<String> skills, Instant at) throws SQLException {
        StringBuilder sql = new StringBuilder("UPDATE sb_conversation SET state = ?, updated_at = ?");
        List<Object> values = new ArrayList<>(List.of(to.name(), at));
        if (to == ConversationState.QUEUED) {
            // a new wait for a human: its own SLA clock
            sql.append(", queued_at = ?, assigned_agent_id = NULL, first_response_at = NULL");
            values.add(at);
        } else if ((to == ConversationState.ASSIGNED || to == ConversationState.WAITING) && agentId != null) {
            sql.append(", assigned_agent_id = ?");
            values.add(agentId);
        }
        if (to == ConversationState.CLOSED) {
            sql.append(", closed_at = ?");
            values.add(at);
        } else if (from == ConversationState.CLOSED) {
            sql.append(", closed_at = NULL");
        }
        if (skills != null) {
            sql.append(", skills = ?");
            values.add(String.join(",", skills));
        }
        sql.append(" WHERE id = ? AND state = ?");
        values.add(id);
        values.add(from.name());
        try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < values.size(); i++) {
                Object v = values.get(i);
                if (v instanceof Instant instant) {
                    Sql.setInstant(ps, i + 1, instant);
                } else {
                    ps.setString(i + 1, (String) v);
                }
            }
            return ps.executeUpdate() == 1;
        }
    }

    @Override
    public void prioritize(String id, int priority) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("UPDATE sb_conversation SET priority = ? WHERE id = ?")) {
            ps.setInt(1, priority);
            ps.setString(2, id);
            ps.executeUpdate();
        }
    }

    @Override
    public void moveTo(String id, ChannelAddress address, Instant at) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "UPDATE sb_conversation SET channel = ?, address = ?, updated_at = ? WHERE id = ?")) {
            ps.setString(1, address.channel());
            ps.setString(2, address.address());
            Sql.setInstant(ps, 3, at);
            ps.setString(4, id);
            ps.executeUpdate();
        }
    }

    @Override
    public List<String> closedBefore(Instant closedBefore, int limit) throws SQLException {
        // locked rather than read: a reopening that commits first takes its conversation out of the page
        try (PreparedStatement ps = connection.prepareStatement("SELECT id FROM sb_conversation WHERE state = ?"
                + " AND closed_at < ? ORDER BY closed_at, id FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY FOR UPDATE")) {
            ps.setString(1, ConversationState.CLOSED.name());
            Sql.setInstant(ps, 2, closedBefore);
            try (ResultSet rs = ps.executeQuery()) {
                List<String> ids = new ArrayList<>();
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
                return ids;
            }
        }
    }

    @Override
    public void purge(Collection<String> ids) throws SQLException {
        deleteEach("DELETE FROM sb_message WHERE conversation_id = ?", ids);
        deleteEach("DELETE FROM sb_timeline_event WHERE conversation_id = ?", ids);
        // a reply that never reached the customer is not sent after its conversation is gone
        deleteEach("DELETE FROM sb_outbox WHERE body LIKE ?", ids.stream().map(JdbcConversations::inOutbox).toList());
        deleteEach("DELETE FROM sb_conversation WHERE id = ?", ids);
    }

    private void deleteEach(String sql, Collection<String> values) throws SQLException {
        Batches.each(connection, sql, values);
    }

    /**
     * What an outbox row for conversation {@code id} holds in its body: every message and event the
     * core sends names its conversation so.
     */
    static String inOutbox(String id) {
        return "%\"conversationId\":\"" + id + "\"%";
    }

    private static List<Conversation> all(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            List<Conversation> result = new ArrayList<>();
            while (rs.next()) {
                result.add(read(rs));
            }
            return result;
        }
    }

    @Override
    public void touch(String id, Instant at, boolean agentResponded) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("UPDATE sb_conversation SET updated_at = ?"
                + (agentResponded ? ", first_response_at = COALESCE(first_response_at, ?)" : "") + " WHERE id = ?")) {
            Sql.setInstant(ps, 1, at);
            if (agentResponded) {
                Sql.setInstant(ps, 2, at);
            }
            ps.setString(agentResponded ? 3 : 2, id);
            ps.executeUpdate();
        }
    }

    @Override
    @Deprecated
    public void changeState(String id, ConversationState state, Instant at) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "UPDATE sb_conversation SET state = ?, updated_at = ?, closed_at = ? WHERE id = ?")) {
            ps.setString(1, state.name());
            Sql.setInstant(ps, 2, at);
            Sql.setInstant(ps, 3, state == ConversationState.CLOSED ? at : null);
            ps.setString(4, id);
            ps.executeUpdate();
        }
    }

    private static Optional<Conversation> first(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(read(rs)) : Optional.empty();
        }
    }

    private static Conversation read(ResultSet rs) throws SQLException {
        String skills = rs.getString("skills");
        return new Conversation(rs.getString("id"), rs.getString("customer_id"),
                new ChannelAddress(rs.getString("channel"), rs.getString("address")),
                ConversationState.valueOf(rs.getString("state")),
                skills == null || skills.isEmpty() ? List.of() : Arrays.asList(skills.split(",")),
                rs.getInt("priority"), rs.getString("assigned_agent_id"), Sql.instant(rs, "opened_at"),
                Sql.instant(rs, "updated_at"), Sql.instant(rs, "queued_at"), Sql.instant(rs, "first_response_at"), Sql.instant(rs, "closed_at"));
    }
}
