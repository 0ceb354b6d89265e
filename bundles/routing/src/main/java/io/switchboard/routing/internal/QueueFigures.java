package io.switchboard.routing.internal;

import io.switchboard.store.StoreSession;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the queue stands: what waits, for how long, per channel, and the service level of the last
 * hour. Read with SQL on the core's conversation table because the store has no aggregate for it and
 * reading every queued conversation to count them would not scale. Public, as JSON-B reads it.
 */
public final class QueueFigures {

    static final Duration SLA_WINDOW = Duration.ofHours(1);

    /**
     * Of the conversations queued in the last hour, how many had an agent's first response within
     * {@code seconds} of being queued. One still waiting, or closed unanswered, counts against it
     * once it has waited longer than that; until then it is not counted either way.
     *
     * @param share inTime / counted; absent while nothing counts
     */
    public record Sla(int seconds, int windowMinutes, int counted, int inTime, Double share) {
    }

    public record Queue(int waiting, Long oldestWaitSeconds, Map<String, Integer> channels, Sla sla, Rounds.Figures routing) {
    }

    private QueueFigures() {
    }

    static Queue read(StoreSession s, Instant now, Duration slaTarget, Rounds.Figures routing) throws SQLException {
        int waiting = 0;
        Instant oldest = null;
        Map<String, Integer> channels = new TreeMap<>();
        try (PreparedStatement ps = s.connection().prepareStatement("SELECT channel, COUNT(*), MIN(queued_at)"
                + " FROM sb_conversation WHERE state = 'QUEUED' GROUP BY channel");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                int count = rs.getInt(2);
                channels.put(rs.getString(1), count);
                waiting += count;
                Instant first = instant(rs.getObject(3, OffsetDateTime.class));
                if (first != null && (oldest == null || first.isBefore(oldest))) {
                    oldest = first;
                }
            }
        }
        Long oldestWait = oldest == null ? null : Math.max(0, Duration.between(oldest, now).toSeconds());
        return new Queue(waiting, oldestWait, channels, sla(s, now, slaTarget), routing);
    }

    private static Sla sla(StoreSession s, Instant now, Duration target) throws SQLException {
        Instant since = now.minus(SLA_WINDOW);
        int counted = 0;
        int inTime = 0;
        // every change of a conversation moves updated_at, so it is never before queued_at; its
        // index keeps this from reading the whole table
        try (PreparedStatement ps = s.connection().prepareStatement("SELECT queued_at, first_response_at, closed_at"
                + " FROM sb_conversation WHERE updated_at >= ? AND queued_at >= ?")) {
            ps.setObject(1, since.atOffset(ZoneOffset.UTC));
            ps.setObject(2, since.atOffset(ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Instant queued = instant(rs.getObject(1, OffsetDateTime.class));
                    Instant answered = instant(rs.getObject(2, OffsetDateTime.class));
                    Instant closed = instant(rs.getObject(3, OffsetDateTime.class));
                    Instant deadline = queued.plus(target);
                    if (answered != null) {
                        counted++;
                        if (!answered.isAfter(deadline)) {
                            inTime++;
                        }
                    } else if ((closed != null ? closed : now).isAfter(deadline)) {
                        counted++;
                    }
                }
            }
        }
        return new Sla((int) target.toSeconds(), (int) SLA_WINDOW.toMinutes(), counted, inTime,
                counted == 0 ? null : (double) inTime / counted);
    }

    private static Instant instant(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }
}
