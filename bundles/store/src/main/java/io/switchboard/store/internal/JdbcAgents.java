package io.switchboard.store.internal;

import io.switchboard.api.Agent;
import io.switchboard.store.Agents;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

final class JdbcAgents implements Agents {

    private static final String COLUMNS = "id, name, skills, capacity, workplace, presence";

    private final Connection connection;

    JdbcAgents(Connection connection) {
        this.connection = connection;
    }

    @Override
    public Optional<Agent> byId(String id) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT " + COLUMNS + " FROM sb_agent WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    @Override
    public List<Agent> all() throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT " + COLUMNS + " FROM sb_agent ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            List<Agent> result = new ArrayList<>();
            while (rs.next()) {
                result.add(read(rs));
            }
            return result;
        }
    }

    @Override
    public void save(Agent agent) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE sb_agent SET name = ?, skills = ?, capacity = ?, workplace = ? WHERE id = ?")) {
            update.setString(1, agent.name());
            update.setString(2, levels(agent.skills()));
            update.setString(3, levels(agent.capacity()));
            update.setString(4, agent.workplace().name());
            update.setString(5, agent.id());
            if (update.executeUpdate() == 1) {
                return;
            }
        }
        boolean inserted = Sql.insertOnce(connection, () -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO sb_agent (id, name, skills,"
                    + " capacity, workplace, presence, presence_at, idle_since) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                Instant now = Instant.now();
                insert.setString(1, agent.id());
                insert.setString(2, agent.name());
                insert.setString(3, levels(agent.skills()));
                insert.setString(4, levels(agent.capacity()));
                insert.setString(5, agent.workplace().name());
                insert.setString(6, Agent.Presence.OFFLINE.name());
                Sql.setInstant(insert, 7, now);
                Sql.setInstant(insert, 8, now);
                insert.executeUpdate();
            }
        });
        if (!inserted) {
            save(agent); // created by a concurrent save: now it is an update
        }
    }

    @Override
    public boolean presence(String agentId, Agent.Presence presence, Instant at) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "UPDATE sb_agent SET presence = ?, presence_at = ? WHERE id = ?")) {
            ps.setString(1, presence.name());
            Sql.setInstant(ps, 2, at);
            ps.setString(3, agentId);
            return ps.executeUpdate() == 1;
        }
    }

    @Override
    public Optional<Instant> idleSince(String agentId) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT idle_since FROM sb_agent WHERE id = ?")) {
            ps.setString(1, agentId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(Sql.instant(rs, "idle_since")) : Optional.empty();
            }
        }
    }

    @Override
    public Map<String, Instant> idleSince() throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT id, idle_since FROM sb_agent");
             ResultSet rs = ps.executeQuery()) {
            Map<String, Instant> result = new java.util.HashMap<>();
            while (rs.next()) {
                result.put(rs.getString("id"), Sql.instant(rs, "idle_since"));
            }
            return result;
        }
    }

    @Override
    public void assigned(String agentId, Instant at) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("UPDATE sb_agent SET idle_since = ? WHERE id = ?")) {
            Sql.setInstant(ps, 1, at);
            ps.setString(2, agentId);
            ps.executeUpdate();
        }
    }

    private static Agent read(ResultSet rs) throws SQLException {
        return new Agent(rs.getString("id"), rs.getString("name"), parse(rs.getString("skills")),
                parse(rs.getString("capacity")), Agent.Presence.valueOf(rs.getString("presence")),
                Agent.Workplace.valueOf(rs.getString("workplace")));
    }

    static String levels(Map<String, Integer> levels) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Integer> e : levels.entrySet()) {
            if (e.getKey().contains(",") || e.getKey().contains(":")) {
                throw new IllegalArgumentException("a skill or channel name may not contain ',' or ':': " + e.getKey());
            }
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(e.getKey()).append(':').append(e.getValue());
        }
        return sb.toString();
    }

    static Map<String, Integer> parse(String text) {
        Map<String, Integer> result = new LinkedHashMap<>();
        if (text != null && !text.isEmpty()) {
            for (String entry : text.split(",")) {
                int colon = entry.lastIndexOf(':');
                result.put(entry.substring(0, colon), Integer.parseInt(entry.substring(colon + 1)));
            }
        }
        return result;
    }
}
