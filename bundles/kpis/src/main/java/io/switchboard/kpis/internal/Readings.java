package io.switchboard.kpis.internal;

import io.switchboard.api.Agent;
import io.switchboard.store.StoreSession;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the KPIs of every queue from the core's conversation and agent tables in one transaction.
 * The store is the record of what happened to each conversation, so the figures are the same after
 * a restart, on every node, and whatever events were missed; SQL rather than the store's API because
 * there is no aggregate there and the window may hold many thousands of conversations.
 */
final class Readings {

    /** How the figures are counted. */
    record Settings(Duration window, Duration sla) {
    }

    /**
     * One queue now. {@code serviceLevel} is {@code inTime / counted}, absent while nothing counts;
     * {@code averageSpeedOfAnswerSeconds} over those answered in the window; {@code agentsAvailable}
     * AVAILABLE agents who have every skill of the queue, by where they work.
     */
    public record QueueReading(String queue, int waiting, Long longestWaitSeconds, int counted, int inTime,
                               Double serviceLevel, int answered, Double averageSpeedOfAnswerSeconds, int abandoned,
                               Map<String, Integer> agentsAvailable) {
    }

    /** Every queue with something in the window or waiting, and every available agent by workplace. */
    record Reading(List<QueueReading> queues, Map<String, Integer> agentsAvailable) {
    }

    private Readings() {
    }

    static Reading read(StoreSession s, Instant now, Settings settings) throws SQLException {
        Instant since = now.minus(settings.window());
        Map<String, Tally> tallies = new TreeMap<>();
        // every change moves updated_at, never before queued_at; a waiting one is read whatever its age
        try (PreparedStatement ps = s.connection().prepareStatement("SELECT skills, state, queued_at, first_response_at,"
                + " closed_at FROM sb_conversation WHERE queued_at IS NOT NULL AND (state = 'QUEUED'"
                + " OR (updated_at >= ? AND queued_at >= ?))")) {
            ps.setObject(1, since.atOffset(ZoneOffset.UTC));
            ps.setObject(2, since.atOffset(ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Tally t = tallies.computeIfAbsent(Queues.of(rs.getString(1)), q -> new Tally());
                    t.add(rs.getString(2), instant(rs.getObject(3, OffsetDateTime.class)),
                            instant(rs.getObject(4, OffsetDateTime.class)), instant(rs.getObject(5, OffsetDateTime.class)),
                            now, since, settings.sla());
                }
            }
        }
        List<Agent> available = s.agents().all().stream().filter(a -> a.presence() == Agent.Presence.AVAILABLE).toList();
        List<QueueReading> readings = new ArrayList<>(tallies.size());
        tallies.forEach((queue, t) -> readings.add(t.reading(queue, now, byWorkplace(available, Queues.skills(queue)))));
        return new Reading(readings, byWorkplace(available, Map.of()));
    }

    /** Available agents per workplace, every workplace named (0 too), of those having all {@code skills}. */
    static Map<String, Integer> byWorkplace(List<Agent> agents, Map<String, Integer> skills) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Agent.Workplace w : Agent.Workplace.values()) {
            counts.put(w.name(), 0);
        }
        for (Agent a : agents) {
            boolean suits = skills.entrySet().stream().allMatch(e -> a.skills().getOrDefault(e.getKey(), 0) >= e.getValue());
            if (suits) {
                counts.merge((a.workplace() == null ? Agent.Workplace.CENTRE : a.workplace()).name(), 1, Integer::sum);
            }
        }
        return counts;
    }

    private static final class Tally {
        int waiting;
        Instant oldest;
        int counted;
        int inTime;
        int answered;
        long answerMillis;
        int abandoned;

        void add(String state, Instant queued, Instant answered, Instant closed, Instant now, Instant since, Duration sla) {
            if ("QUEUED".equals(state)) {
                waiting++;
                if (oldest == null || queued.isBefore(oldest)) {
                    oldest = queued;
                }
            }
            if (queued.isBefore(since)) {
                return; // waiting since before the window: in the queue's length and wait, not its rates
            }
            Instant deadline = queued.plus(sla);
            if (answered != null) {
                counted++;
                this.answered++;
                answerMillis += Math.max(0, Duration.between(queued, answered).toMillis());
                if (!answered.isAfter(deadline)) {
                    inTime++;
                }
            } else {
                if (closed != null) {
                    abandoned++;
                }
                // not answered: against the service level once it has waited longer than the target,
                // not before (a customer who left after five seconds is no breach)
                if ((closed != null ? closed : now).isAfter(deadline)) {
                    counted++;
                }
            }
        }

        QueueReading reading(String queue, Instant now, Map<String, Integer> agents) {
            Long longest = oldest == null ? null : Math.max(0, Duration.between(oldest, now).toSeconds());
            return new QueueReading(queue, waiting, longest, counted, inTime,
                    counted == 0 ? null : round((double) inTime / counted), answered,
                    answered == 0 ? null : round(answerMillis / 1000.0 / answered), abandoned, agents);
        }
    }

    static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    private static Instant instant(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }
}
