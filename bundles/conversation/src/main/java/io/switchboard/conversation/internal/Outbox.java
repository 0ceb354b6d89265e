package io.switchboard.conversation.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.Outage;
import io.switchboard.bus.Bus;
import io.switchboard.bus.BusBatch;
import io.switchboard.bus.OutageLog;
import io.switchboard.store.Store;
import io.switchboard.store.StoreSession;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the core sends to customers, kept in the same database transaction as the message it sends,
 * so that a reply stored is a reply sent. After the commit it is sent at once and forgotten; when the
 * broker cannot take it (it is away, or the process dies in between), it stays in {@code sb_outbox}
 * and the relay sends it, oldest first, once the broker is back. The broker's duplicate detection
 * (every message here carries its duplicate id) drops a message sent twice, by the relay after a
 * crash or by two nodes, so the customer has each reply exactly once.
 *
 * <p>While anything waits, new messages wait behind it instead of overtaking it: a customer reads
 * replies in the order the agent wrote them.
 */
final class Outbox implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    /** A message younger than this may still be on its way from the group that stored it. */
    static final Duration SETTLE = Duration.ofSeconds(5);
    static final int RELAY_BATCH = 200;

    private final Store store;
    private final Bus bus;
    private final CanonicalJson json;
    private final ScheduledExecutorService relay = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "switchboard-outbox-relay");
        t.setDaemon(true);
        return t;
    });
    /** Guards {@link #backlog}: a group's look and send against the relay's finding the outbox empty. */
    private final Object order = new Object();
    /** Messages wait that the broker did not take; new ones queue behind them. */
    private boolean backlog;
    /** Says once that the broker is away and once that it is back, not once a message or a second. */
    private final OutageLog relaying;

    Outbox(Store store, Bus bus, CanonicalJson json, Duration sweep) {
        this.store = store;
        this.bus = bus;
        this.json = json;
        long every = Math.max(100, sweep.toMillis());
        relaying = new OutageLog(LOG, "outbox-relay", Duration.ofMillis(every));
        relay.scheduleWithFixedDelay(() -> relaying.run(this::relay), every, every, TimeUnit.MILLISECONDS);
    }

    /** Keeps {@code sends} in the transaction that stores what they announce. */
    void keep(StoreSession s, List<BusBatch.Outgoing> sends) throws SQLException {
        Instant now = Instant.now();
        try (PreparedStatement ps = s.connection().prepareStatement(
                "INSERT INTO sb_outbox (dup_id, address, multicast, body, properties, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            for (BusBatch.Outgoing out : sends) {
                ps.setString(1, duplicateId(out));
                ps.setString(2, out.address());
                ps.setBoolean(3, out.multicast());
                ps.setString(4, out.body());
                ps.setString(5, json.toJson(out.properties()));
                ps.setObject(6, now.atOffset(ZoneOffset.UTC));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * After the commit of what {@link #keep} kept: sends it in one broker transaction and forgets it;
     * leaves it to the relay when older messages still wait or the broker does not take it.
     */
    void send(List<BusBatch.Outgoing> kept) {
        if (kept.isEmpty()) {
            return;
        }
        synchronized (order) {
            if (backlog) {
                wake();
                return;
            }
            try {
                bus.sendAll(kept);
            } catch (RuntimeException e) {
                backlog = true;
                // they wait in the outbox and the relay sends them when the bus is back
                relaying.failed(e);
                wake();
                return;
            }
        }
        List<String> ids = kept.stream().map(Outbox::duplicateId).distinct().toList();
        try {
            store.inTransaction(s -> {
                forget(s, ids);
                return null;
            });
        } catch (RuntimeException e) {
            // the relay sends them again in a while and the broker drops them as duplicates
            LOG.debug("sent messages stay in the outbox: {}", e.getMessage());
        }
    }

    /** Sends what waits, oldest first, until nothing does; throws when the broker or the database stops it. */
    private void relay() {
        while (true) {
            List<Kept> waiting;
            synchronized (order) {
                boolean all = backlog;
                waiting = store.inTransaction(s -> waiting(s, all ? Instant.MAX : Instant.now().minus(SETTLE)));
                if (waiting.isEmpty()) {
                    backlog = false;
                    return;
                }
                backlog = true;
            }
            long last;
            try {
                bus.sendAll(waiting.stream().map(Kept::outgoing).toList());
                last = waiting.get(waiting.size() - 1).seq();
            } catch (RuntimeException e) {
                // one message the broker has already (sent before a crash) fails a whole transaction
                last = sendEach(waiting);
            }
            long sent = last;
            store.inTransaction(s -> {
                try (PreparedStatement ps = s.connection().prepareStatement("DELETE FROM sb_outbox WHERE seq <= ?")) {
                    ps.setLong(1, sent);
                    ps.executeUpdate();
                }
                return null;
            });
        }
    }

    /**
     * One by one, outside a transaction, where the broker drops a duplicate instead of refusing: until
     * the broker is away. A message it refuses for what it is, not for being away, is dead-lettered
     * with the reason rather than holding up every message behind it.
     *
     * @return the seq of the last message handled
     */
    private long sendEach(List<Kept> waiting) {
        long last = 0;
        for (Kept k : waiting) {
            BusBatch.Outgoing out = k.outgoing();
            try {
                if (out.multicast()) {
                    bus.publish(out.address(), out.body(), out.properties());
                } else {
                    bus.send(out.address(), out.body(), out.properties());
                }
            } catch (RuntimeException e) {
                if (Outage.isOutage(e) || !bus.isReachable()) {
                    if (last == 0) {
                        throw e;
                    }
                    return last;
                }
                Map<String, Object> properties = new java.util.HashMap<>(out.properties());
                properties.put(BusAddress.DEAD_LETTER_REASON, "the broker refused it: " + e.getMessage());
                properties.put(BusAddress.DEAD_LETTER_ORIGIN, out.address());
                properties.put(BusAddress.DEAD_LETTER_TIME, Instant.now().toString());
                bus.send(BusAddress.deadLetter(out.address()), out.body(), properties);
                LOG.error("outbox: {} refused a message, dead-lettered to {}: {}", out.address(),
                        BusAddress.deadLetter(out.address()), e.getMessage());
            }
            last = k.seq();
        }
        return last;
    }

    private void wake() {
        try {
            relay.execute(() -> relaying.run(this::relay));
        } catch (RejectedExecutionException stopping) {
            // the next start's relay sends it
        }
    }

    private record Kept(long seq, BusBatch.Outgoing outgoing) {
    }

    private List<Kept> waiting(StoreSession s, Instant before) throws SQLException {
        String sql = before.equals(Instant.MAX)
                ? "SELECT seq, address, multicast, body, properties FROM sb_outbox ORDER BY seq"
                : "SELECT seq, address, multicast, body, properties FROM sb_outbox WHERE created_at < ? ORDER BY seq";
        try (PreparedStatement ps = s.connection().prepareStatement(sql)) {
            ps.setMaxRows(RELAY_BATCH);
            if (!before.equals(Instant.MAX)) {
                ps.setObject(1, before.atOffset(ZoneOffset.UTC));
            }
            List<Kept> kept = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> properties = json.fromJson(rs.getString(5), Map.class);
                    kept.add(new Kept(rs.getLong(1), new BusBatch.Outgoing(rs.getString(2), rs.getBoolean(3), rs.getString(4),
                            properties == null ? Collections.emptyMap() : properties)));
                }
            }
            return kept;
        }
    }

    private static void forget(StoreSession s, List<String> duplicateIds) throws SQLException {
        try (PreparedStatement ps = s.connection().prepareStatement("DELETE FROM sb_outbox WHERE dup_id = ?")) {
            for (String id : duplicateIds) {
                ps.setString(1, id);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Every message the core sends carries one: it is what makes a second send harmless. */
    private static String duplicateId(BusBatch.Outgoing out) {
        Object id = out.properties() == null ? null : out.properties().get(BusAddress.DUPLICATE_ID);
        if (id == null) {
            throw new IllegalArgumentException("a message for the outbox needs a duplicate id: " + out.address());
        }
        return id.toString();
    }

    @Override
    public void close() {
        relay.shutdownNow();
    }
}
