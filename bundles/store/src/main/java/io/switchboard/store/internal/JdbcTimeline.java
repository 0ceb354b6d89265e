package io.switchboard.store.internal;

import io.switchboard.api.CanonicalJson;
import io.switchboard.api.Direction;
import io.switchboard.api.TimelineEntry;
import io.switchboard.store.Timeline;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Messages stay in their own table and other entries in {@code sb_timeline_event}; a page reads the
 * newest {@code limit} of each past the cursor and merges them, which is portable (no UNION over
 * CLOB columns) and uses the (customer, time) index of both.
 */
final class JdbcTimeline implements Timeline {

    private static final int SUMMARY_LENGTH = 2000;
    private static final Comparator<TimelineEntry> NEWEST_FIRST =
            Comparator.comparing(TimelineEntry::time).thenComparing(TimelineEntry::id).reversed();

    private final Connection connection;
    private final JdbcCustomers customers;
    private final CanonicalJson json;

    JdbcTimeline(Connection connection, JdbcCustomers customers, CanonicalJson json) {
        this.connection = connection;
        this.customers = customers;
        this.json = json;
    }

    /** The data map as JSON: JSON-B needs a concrete type to read it back. */
    public static final class Data extends HashMap<String, String> {
        private static final long serialVersionUID = 1L;
    }

    @Override
    public void record(TimelineEntry e) throws SQLException {
        Sql.insertOnce(connection, () -> {
            try (PreparedStatement ps = connection.prepareStatement("INSERT INTO sb_timeline_event (id, customer_id,"
                    + " conversation_id, happened_at, kind, channel, direction, agent_id, summary, data)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, e.id());
                ps.setString(2, e.customerId());
                ps.setString(3, e.conversationId());
                Sql.setInstant(ps, 4, e.time());
                ps.setString(5, e.kind().name());
                ps.setString(6, e.channel());
                ps.setString(7, e.direction() == null ? null : e.direction().name());
                ps.setString(8, e.agentId());
                String summary = e.summary();
                ps.setString(9, summary != null && summary.length() > SUMMARY_LENGTH ? summary.substring(0, SUMMARY_LENGTH) : summary);
                Data data = new Data();
                data.putAll(e.data());
                ps.setString(10, json.toJson(data));
                ps.executeUpdate();
            }
        });
    }

    @Override
    public Page page(String customerId, String before, int limit) throws SQLException {
        List<String> group = customers.group(customerId);
        if (group.isEmpty()) {
            throw new java.util.NoSuchElementException("no customer " + customerId);
        }
        Cursor cursor = Cursor.parse(before);
        List<TimelineEntry> all = new ArrayList<>();
        all.addAll(read("SELECT id, customer_id, conversation_id, sent_at AS at, channel, direction, agent_id, text,"
                + " NULL AS data, 'MESSAGE' AS kind FROM sb_message", "sent_at", group, cursor, limit + 1));
        all.addAll(read("SELECT id, customer_id, conversation_id, happened_at AS at, channel, direction, agent_id,"
                + " summary AS text, data, kind FROM sb_timeline_event", "happened_at", group, cursor, limit + 1));
        all.sort(NEWEST_FIRST);
        if (all.size() <= limit) {
            return new Page(all, null);
        }
        List<TimelineEntry> page = List.copyOf(all.subList(0, limit));
        TimelineEntry last = page.get(page.size() - 1);
        return new Page(page, new Cursor(last.time(), last.id()).toString());
    }

    private List<TimelineEntry> read(String select, String timeColumn, List<String> group, Cursor cursor, int limit)
            throws SQLException {
        String where = " WHERE customer_id IN (" + JdbcCustomers.marks(group.size()) + ")"
                + (cursor == null ? "" : " AND (" + timeColumn + " < ? OR (" + timeColumn + " = ? AND id < ?))");
        try (PreparedStatement ps = connection.prepareStatement(select + where
                + " ORDER BY " + timeColumn + " DESC, id DESC")) {
            ps.setMaxRows(limit);
            JdbcCustomers.bind(ps, 1, group);
            if (cursor != null) {
                int i = group.size() + 1;
                Sql.setInstant(ps, i, cursor.time());
                Sql.setInstant(ps, i + 1, cursor.time());
                ps.setString(i + 2, cursor.id());
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<TimelineEntry> result = new ArrayList<>();
                while (rs.next()) {
                    String direction = rs.getString("direction");
                    String data = rs.getString("data");
                    Map<String, String> fields = data == null ? Map.of() : json.fromJson(data, Data.class);
                    result.add(new TimelineEntry(rs.getString("id"), rs.getString("customer_id"),
                            rs.getString("conversation_id"), Sql.instant(rs, "at"),
                            TimelineEntry.Kind.valueOf(rs.getString("kind")), rs.getString("channel"),
                            direction == null ? null : Direction.valueOf(direction), rs.getString("agent_id"),
                            rs.getString("text"), fields));
                }
                return result;
            }
        }
    }

    /** Where a page ended: the time and id of its last entry, as {@code <epoch micros>~<id>}. */
    record Cursor(Instant time, String id) {

        static Cursor parse(String text) {
            if (text == null || text.isBlank()) {
                return null;
            }
            int tilde = text.indexOf('~');
            try {
                long micros = Long.parseLong(text.substring(0, tilde));
                return new Cursor(Instant.EPOCH.plus(micros, java.time.temporal.ChronoUnit.MICROS), text.substring(tilde + 1));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("not a timeline cursor: " + text);
            }
        }

        @Override
        public String toString() {
            return java.time.temporal.ChronoUnit.MICROS.between(Instant.EPOCH, time) + "~" + id;
        }
    }
}
