package io.switchboard.workorders.internal;

import io.switchboard.workorders.WorkOrder;
import io.switchboard.workorders.WorkOrderChange;
import io.switchboard.workorders.WorkOrders;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The work-order tables, on the connection of the caller's transaction. */
final class Ledger {

    static final String CHANGELOG = "io/switchboard/workorders/db/changelog.xml";

    private static final String COLUMNS = "id, number, type, state, customer_id, conversation_id, title, details,"
            + " requirements, team, assignee, refs, due_at, escalated, satisfaction, created_by, created_at, updated_at";

    private final Connection c;

    Ledger(Connection connection) {
        this.c = connection;
    }

    void insert(WorkOrder w, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO wo_order (" + COLUMNS
                + ", creation_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, w.id());
            ps.setString(2, w.number());
            ps.setString(3, w.type());
            ps.setString(4, w.state());
            ps.setString(5, w.customerId());
            ps.setString(6, w.conversationId());
            ps.setString(7, w.title());
            ps.setString(8, w.details());
            ps.setString(9, String.join("\n", w.requirements()));
            ps.setString(10, w.team());
            ps.setString(11, w.assignee());
            ps.setString(12, lines(w.references()));
            setInstant(ps, 13, w.dueAt());
            ps.setBoolean(14, w.escalated());
            ps.setNull(15, Types.INTEGER);
            ps.setString(16, w.createdBy());
            setInstant(ps, 17, w.createdAt());
            setInstant(ps, 18, w.updatedAt());
            ps.setString(19, key);
            ps.executeUpdate();
        }
    }

    Optional<WorkOrder> byId(String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM wo_order WHERE id = ? OR number = ?")) {
            ps.setString(1, id);
            ps.setString(2, id);
            List<WorkOrder> found = read(ps);
            return found.stream().findFirst();
        }
    }

    Optional<WorkOrder> byKey(String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM wo_order WHERE creation_key = ?")) {
            ps.setString(1, key);
            return read(ps).stream().findFirst();
        }
    }

    List<WorkOrder> list(String state, String team, String assignee, String customerId, int limit) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM wo_order WHERE 1 = 1");
        List<String> values = new ArrayList<>();
        for (String[] filter : new String[][] {{"state", state}, {"team", team}, {"assignee", assignee},
                {"customer_id", customerId}}) {
            if (filter[1] != null && !filter[1].isBlank()) {
                sql.append(" AND ").append(filter[0]).append(" = ?");
                values.add(filter[1]);
            }
        }
        sql.append(" ORDER BY created_at DESC, id DESC");
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < values.size(); i++) {
                ps.setString(i + 1, values.get(i));
            }
            ps.setMaxRows(limit);
            return read(ps);
        }
    }

    /** Compare-and-set: false if someone moved it first. */
    boolean move(String id, String from, String to, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE wo_order SET state = ?, updated_at = ? WHERE id = ? AND state = ?")) {
            ps.setString(1, to);
            setInstant(ps, 2, at);
            ps.setString(3, id);
            ps.setString(4, from);
            return ps.executeUpdate() == 1;
        }
    }

    void refer(String id, Map<String, String> references, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE wo_order SET refs = ?, updated_at = ? WHERE id = ?")) {
            ps.setString(1, lines(references));
            setInstant(ps, 2, at);
            ps.setString(3, id);
            ps.executeUpdate();
        }
    }

    void assign(String id, String team, String assignee, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE wo_order SET team = ?, assignee = ?, updated_at = ? WHERE id = ?")) {
            ps.setString(1, team);
            ps.setString(2, assignee);
            setInstant(ps, 3, at);
            ps.setString(4, id);
            ps.executeUpdate();
        }
    }

    /** Marks it escalated (once) and hands it to {@code team} if one is named; false if it already was. */
    boolean escalate(String id, String team, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE wo_order SET escalated = ?, team = COALESCE(?, team),"
                + " updated_at = ? WHERE id = ? AND escalated = ?")) {
            ps.setBoolean(1, true);
            ps.setString(2, team);
            setInstant(ps, 3, at);
            ps.setString(4, id);
            ps.setBoolean(5, false);
            return ps.executeUpdate() == 1;
        }
    }

    /** Orders past their due time, not yet escalated, in none of {@code finished} (the types' terminal states). */
    List<WorkOrder> overdue(Instant now, java.util.Collection<String> finished, int limit) throws SQLException {
        String marks = String.join(", ", java.util.Collections.nCopies(Math.max(1, finished.size()), "?"));
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM wo_order WHERE escalated = ?"
                + " AND due_at IS NOT NULL AND due_at < ? AND state NOT IN (" + marks + ") ORDER BY due_at")) {
            ps.setBoolean(1, false);
            setInstant(ps, 2, now);
            int i = 3;
            if (finished.isEmpty()) {
                ps.setString(i, "");
            }
            for (String state : finished) {
                ps.setString(i++, state);
            }
            ps.setMaxRows(limit);
            return read(ps);
        }
    }

    void rate(String id, int score, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE wo_order SET satisfaction = ?, updated_at = ? WHERE id = ?")) {
            ps.setInt(1, score);
            setInstant(ps, 2, at);
            ps.setString(3, id);
            ps.executeUpdate();
        }
    }

    void surveySent(String id, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE wo_order SET survey_sent_at = ? WHERE id = ?")) {
            setInstant(ps, 1, at);
            ps.setString(2, id);
            ps.executeUpdate();
        }
    }

    /** An order whose survey is out and unanswered, and when it went. */
    record SurveyOut(String workOrderId, String customerId, Instant sentAt) {
    }

    /** The customer's newest survey still waiting for its answer. */
    java.util.Optional<SurveyOut> surveyOutFor(String customerId, Instant since) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, customer_id, survey_sent_at FROM wo_order"
                + " WHERE customer_id = ? AND survey_sent_at IS NOT NULL AND survey_sent_at > ? AND satisfaction IS NULL"
                + " ORDER BY survey_sent_at DESC")) {
            ps.setString(1, customerId);
            setInstant(ps, 2, since);
            ps.setMaxRows(1);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? java.util.Optional.of(new SurveyOut(rs.getString(1), rs.getString(2), instant(rs, 3)))
                        : java.util.Optional.empty();
            }
        }
    }

    List<SurveyOut> surveysOut(Instant since, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, customer_id, survey_sent_at FROM wo_order"
                + " WHERE survey_sent_at IS NOT NULL AND survey_sent_at > ? AND satisfaction IS NULL"
                + " ORDER BY survey_sent_at")) {
            setInstant(ps, 1, since);
            ps.setMaxRows(limit);
            List<SurveyOut> all = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    all.add(new SurveyOut(rs.getString(1), rs.getString(2), instant(rs, 3)));
                }
            }
            return all;
        }
    }

    void change(WorkOrderChange ch) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO wo_change (id, work_order_id, at, by_whom, kind,"
                + " from_state, to_state, note, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, ch.id());
            ps.setString(2, ch.workOrderId());
            setInstant(ps, 3, ch.time());
            ps.setString(4, ch.by());
            ps.setString(5, ch.kind().name());
            ps.setString(6, ch.fromState());
            ps.setString(7, ch.toState());
            ps.setString(8, ch.note());
            ps.setString(9, lines(ch.data()));
            ps.executeUpdate();
        }
    }

    List<WorkOrderChange> history(String workOrderId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, work_order_id, at, by_whom, kind, from_state,"
                + " to_state, note, data FROM wo_change WHERE work_order_id = ? ORDER BY at, id")) {
            ps.setString(1, workOrderId);
            List<WorkOrderChange> all = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    all.add(new WorkOrderChange(rs.getString(1), rs.getString(2), instant(rs, 3), rs.getString(4),
                            WorkOrderChange.Kind.valueOf(rs.getString(5)), rs.getString(6), rs.getString(7),
                            rs.getString(8), map(rs.getString(9))));
                }
            }
            return all;
        }
    }

    void attach(String id, String workOrderId, String name, String mediaType, byte[] content, Instant at)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO wo_attachment (id, work_order_id, name, media_type,"
                + " content, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, workOrderId);
            ps.setString(3, name);
            ps.setString(4, mediaType);
            ps.setBytes(5, content);
            setInstant(ps, 6, at);
            ps.executeUpdate();
        }
    }

    Optional<WorkOrders.Attachment> attachment(String workOrderId, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, name, media_type, content FROM wo_attachment"
                + " WHERE work_order_id = ? AND id = ?")) {
            ps.setString(1, workOrderId);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new WorkOrders.Attachment(rs.getString(1), rs.getString(2),
                        rs.getString(3), rs.getBytes(4))) : Optional.empty();
            }
        }
    }

    /** A notice for the customer, written in the transaction of the change that causes it. */
    record Notice(String id, String workOrderId, String customerId, String text, String reason) {
    }

    /** false if a notice of that id exists (a repeat of the same step). */
    boolean notice(Notice n, Instant at) throws SQLException {
        if (exists("SELECT 1 FROM wo_notice WHERE id = ?", n.id())) {
            return false;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO wo_notice (id, work_order_id, customer_id, text,"
                + " reason, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, n.id());
            ps.setString(2, n.workOrderId());
            ps.setString(3, n.customerId());
            ps.setString(4, n.text());
            ps.setString(5, n.reason());
            setInstant(ps, 6, at);
            ps.executeUpdate();
            return true;
        }
    }

    List<Notice> unsent(Instant before, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, work_order_id, customer_id, text, reason FROM wo_notice"
                + " WHERE sent_at IS NULL AND created_at < ? ORDER BY created_at")) {
            setInstant(ps, 1, before);
            ps.setMaxRows(limit);
            List<Notice> all = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    all.add(new Notice(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)));
                }
            }
            return all;
        }
    }

    void noticeOutcome(String id, Instant sentAt, String failure) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE wo_notice SET sent_at = ?, failure = ? WHERE id = ?")) {
            setInstant(ps, 1, sentAt);
            ps.setString(2, failure == null ? null : failure.length() > 1000 ? failure.substring(0, 1000) : failure);
            ps.setString(3, id);
            ps.executeUpdate();
        }
    }

    Map<String, Map<String, Double>> satisfaction() throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT type, AVG(CAST(satisfaction AS DOUBLE PRECISION)),"
                + " COUNT(*) FROM wo_order WHERE satisfaction IS NOT NULL GROUP BY type ORDER BY type")) {
            Map<String, Map<String, Double>> all = new LinkedHashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    all.put(rs.getString(1), Map.of("average", Math.round(rs.getDouble(2) * 100) / 100.0,
                            "rated", (double) rs.getLong(3)));
                }
            }
            return all;
        }
    }

    private boolean exists(String sql, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static List<WorkOrder> read(PreparedStatement ps) throws SQLException {
        List<WorkOrder> all = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String requirements = rs.getString("requirements");
                int satisfaction = rs.getInt("satisfaction");
                Integer score = rs.wasNull() ? null : satisfaction;
                all.add(new WorkOrder(rs.getString("id"), rs.getString("number"), rs.getString("type"),
                        rs.getString("state"), rs.getString("customer_id"), rs.getString("conversation_id"),
                        rs.getString("title"), rs.getString("details"),
                        requirements == null || requirements.isEmpty() ? List.of() : Arrays.asList(requirements.split("\n")),
                        rs.getString("team"), rs.getString("assignee"), map(rs.getString("refs")),
                        instant(rs, "due_at"), rs.getBoolean("escalated"), score, rs.getString("created_by"),
                        instant(rs, "created_at"), instant(rs, "updated_at")));
            }
        }
        return all;
    }

    /** key=value a line: keys and values never hold a line break (checked on the way in). */
    static String lines(Map<String, String> map) {
        StringBuilder out = new StringBuilder();
        new TreeMap<>(map).forEach((k, v) -> out.append(k).append('=').append(v).append('\n'));
        return out.toString();
    }

    static Map<String, String> map(String lines) {
        Map<String, String> map = new TreeMap<>();
        if (lines != null) {
            for (String line : lines.split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    map.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        }
        return map;
    }

    private static void setInstant(PreparedStatement ps, int index, Instant value) throws SQLException {
        ps.setObject(index, value == null ? null : value.atOffset(ZoneOffset.UTC));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
