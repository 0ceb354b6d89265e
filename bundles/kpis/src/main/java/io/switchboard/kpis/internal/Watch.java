package io.switchboard.kpis.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.ChannelAddress;
import io.switchboard.api.ContentPart;
import io.switchboard.api.Direction;
import io.switchboard.api.DomainEvent;
import io.switchboard.api.Ids;
import io.switchboard.api.Message;
import io.switchboard.api.Outage;
import io.switchboard.bus.Bus;
import io.switchboard.store.Store;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds each queue's service level against its target. A queue is breached when at least
 * {@code minConversations} count in the window and the share in time is below the target; it
 * recovers only at target + margin (or when nothing counts and nothing waits), so a queue hovering at
 * the target does not alert every few seconds. Each change is one {@code kpi.breached} or
 * {@code kpi.recovered} on {@code sb.events} and one alert to each supervisor's address.
 *
 * <p>The state is a row per queue in the database, changed and then announced: a change the bus did
 * not take stays unannounced and goes out at the next refresh, under the same ids, which the broker
 * and the channels drop if they had it already. A restart announces nothing twice.
 */
final class Watch {

    static final String BREACHED = "kpi.breached";
    static final String RECOVERED = "kpi.recovered";
    static final String SERVICE_LEVEL = "serviceLevel";
    /** The agent name alerts carry on the outbound channel. */
    static final String SENDER = "kpis";

    private static final Logger LOG = LoggerFactory.getLogger(Watch.class);

    /** The targets; {@code perQueue} overrides {@code serviceLevel} for the queues it names. */
    record Targets(double serviceLevel, Map<String, Double> perQueue, int minConversations, double margin) {
        double of(String queue) {
            return perQueue.getOrDefault(queue, serviceLevel);
        }
    }

    /** Who is told and how: {@code {queue} {kpi} {value} {target} {window}} are filled in. */
    record Alerting(List<ChannelAddress> to, String breachedText, String recoveredText) {
    }

    /** A queue's state as stored. */
    record State(String queue, boolean breached, String kpi, Double value, double target, Instant since,
                 String eventId, boolean announced) {
    }

    private final Store store;
    private final Bus bus;
    private final CanonicalJson json;

    Watch(Store store, Bus bus, CanonicalJson json) {
        this.store = store;
        this.bus = bus;
        this.json = json;
    }

    /** Records what changed since the last judgement; {@link #announce} tells. */
    void judge(List<Readings.QueueReading> readings, Targets targets, Instant now) {
        store.inTransaction(s -> {
            Map<String, State> states = states(s.connection());
            Map<String, Readings.QueueReading> byQueue = new TreeMap<>();
            readings.forEach(r -> byQueue.put(r.queue(), r));
            for (Readings.QueueReading r : readings) {
                State was = states.get(r.queue());
                double target = targets.of(r.queue());
                boolean breached = was != null && was.breached();
                if (!breached && r.serviceLevel() != null && r.counted() >= targets.minConversations()
                        && r.serviceLevel() < target) {
                    save(s.connection(), new State(r.queue(), true, SERVICE_LEVEL, r.serviceLevel(), target, now,
                            BREACHED + ":" + Ids.newId(), false), was != null);
                } else if (breached && ((r.serviceLevel() != null && r.serviceLevel() >= target + targets.margin())
                        || (r.counted() == 0 && r.waiting() == 0))) {
                    save(s.connection(), new State(r.queue(), false, SERVICE_LEVEL, r.serviceLevel(), target, now,
                            RECOVERED + ":" + Ids.newId(), false), true);
                }
            }
            for (State was : states.values()) {
                if (was.breached() && !byQueue.containsKey(was.queue())) {
                    // nothing in the window and nothing waiting: nobody is kept waiting any more
                    save(s.connection(), new State(was.queue(), false, SERVICE_LEVEL, null, was.target(), now,
                            RECOVERED + ":" + Ids.newId(), false), true);
                }
            }
            return null;
        });
    }

    /** Every breached queue, as stored. */
    Map<String, State> states() {
        return store.inTransaction(s -> states(s.connection()));
    }

    /** Publishes the changes not yet on the bus and alerts the supervisors; what fails goes next time. */
    int announce(Alerting alerting, Duration window) {
        List<State> pending = new ArrayList<>();
        store.inTransaction(s -> {
            states(s.connection()).values().stream().filter(st -> !st.announced()).forEach(pending::add);
            return null;
        });
        int told = 0;
        for (State st : pending) {
            Map<String, String> data = new LinkedHashMap<>();
            data.put("queue", st.queue());
            data.put("kpi", st.kpi());
            if (st.value() != null) {
                data.put("value", String.valueOf(st.value()));
            }
            data.put("target", String.valueOf(st.target()));
            data.put("window", window.toString());
            String type = st.breached() ? BREACHED : RECOVERED;
            DomainEvent event = new DomainEvent(st.eventId(), type, st.since(), null, null, data);
            try {
                bus.publish(BusAddress.EVENTS, json.toJson(event), event.busProperties());
                String text = fill(st.breached() ? alerting.breachedText() : alerting.recoveredText(), st, window);
                for (ChannelAddress to : alerting.to()) {
                    alert(to, text, st);
                }
                store.inTransaction(s -> {
                    try (PreparedStatement ps = s.connection().prepareStatement(
                            "UPDATE kpi_queue_state SET announced = TRUE WHERE queue = ? AND event_id = ?")) {
                        ps.setString(1, st.queue());
                        ps.setString(2, st.eventId());
                        ps.executeUpdate();
                    }
                    return null;
                });
                told++;
            } catch (RuntimeException e) {
                if (Outage.isOutage(e)) {
                    // the refresh's OutageLog says it once; every queue is announced at the next refresh
                    throw e;
                }
                LOG.warn("{} of queue {} not announced yet ({}); trying again at the next refresh", type, st.queue(),
                        e.toString());
            }
        }
        return told;
    }

    /**
     * An alert is a message like any the platform sends, on the channel's outbound address; the
     * supervisor is not a customer, so it belongs to no conversation. Its id is derived from the
     * event and the address, so a repeat is dropped by the broker and the channel.
     */
    private void alert(ChannelAddress to, String text, State st) {
        String id = UUID.nameUUIDFromBytes((st.eventId() + "|" + to).getBytes(StandardCharsets.UTF_8)).toString();
        Message m = new Message(id, null, Direction.OUTBOUND, to, null, null, SENDER, Instant.now(),
                List.of(ContentPart.text(text)), Map.of());
        bus.send(BusAddress.outbound(to.channel()), json.toJson(m), Map.of(BusAddress.DUPLICATE_ID, "alert:" + id,
                BusAddress.PAYLOAD_TYPE, "Message"));
    }

    static String fill(String template, State st, Duration window) {
        return template.replace("{queue}", st.queue())
                .replace("{kpi}", st.kpi())
                .replace("{value}", st.value() == null ? "-" : percent(st.value()))
                .replace("{target}", percent(st.target()))
                .replace("{window}", String.valueOf(window.toMinutes()));
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.0f%%", share * 100);
    }

    /** {@code email:ops@example.cn, sms:+8613800000000}: channel, colon, address. */
    static List<ChannelAddress> addresses(String list) {
        List<ChannelAddress> all = new ArrayList<>();
        if (list == null) {
            return all;
        }
        for (String part : list.split("[,;]")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int colon = p.indexOf(':');
            if (colon < 1 || colon == p.length() - 1) {
                throw new IllegalArgumentException("alert.to: '" + p + "' is not channel:address");
            }
            all.add(new ChannelAddress(p.substring(0, colon).strip(), p.substring(colon + 1).strip()));
        }
        return all;
    }

    private static Map<String, State> states(java.sql.Connection c) throws SQLException {
        Map<String, State> all = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT queue, breached, kpi, kpi_value, target, since, event_id,"
                + " announced FROM kpi_queue_state"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                double value = rs.getDouble(4);
                Double v = rs.wasNull() ? null : value;
                all.put(rs.getString(1), new State(rs.getString(1), rs.getBoolean(2), rs.getString(3), v, rs.getDouble(5),
                        rs.getObject(6, OffsetDateTime.class).toInstant(), rs.getString(7), rs.getBoolean(8)));
            }
        }
        return all;
    }

    private static void save(java.sql.Connection c, State st, boolean exists) throws SQLException {
        String sql = exists
                ? "UPDATE kpi_queue_state SET breached = ?, kpi = ?, kpi_value = ?, target = ?, since = ?, event_id = ?,"
                        + " announced = ? WHERE queue = ?"
                : "INSERT INTO kpi_queue_state (breached, kpi, kpi_value, target, since, event_id, announced, queue)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setBoolean(1, st.breached());
            ps.setString(2, st.kpi());
            if (st.value() == null) {
                ps.setNull(3, Types.DOUBLE);
            } else {
                ps.setDouble(3, st.value());
            }
            ps.setDouble(4, st.target());
            ps.setObject(5, st.since().atOffset(ZoneOffset.UTC));
            ps.setString(6, st.eventId());
            ps.setBoolean(7, st.announced());
            ps.setString(8, st.queue());
            ps.executeUpdate();
        }
    }
}
