package io.switchboard.proactive.internal;

import io.switchboard.api.BusinessEvent;
import io.switchboard.api.ChannelAddress;
import io.switchboard.api.Customer;
import io.switchboard.api.Message;
import io.switchboard.api.Outage;
import io.switchboard.conversation.AgentDesk;
import io.switchboard.store.Store;
import io.switchboard.store.StoreSession;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Business events to pushes. Taking an event plans one push per rule and affected customer, in
 * the transaction that takes the event off the bus (so none is lost or planned twice); the sweep
 * sends those that are due, quiet hours over, through {@link AgentDesk#push} under the plan's id
 * (so a retry never sends twice).
 */
final class Outreach {

    private static final Logger LOG = LoggerFactory.getLogger(Outreach.class);

    private final Store store;
    private final AgentDesk desk;
    private final Supplier<List<Rule>> rules;
    private final Function<String, Optional<String>> workOrderCustomer;

    Outreach(Store store, AgentDesk desk, Supplier<List<Rule>> rules) {
        this(store, desk, rules, number -> Optional.empty());
    }

    /**
     * @param workOrderCustomer the customer of a work order by its id or number: a system that only
     *                          knows our work order (a courier company's callback) names it as
     *                          {@code workorder:<number>}
     */
    Outreach(Store store, AgentDesk desk, Supplier<List<Rule>> rules, Function<String, Optional<String>> workOrderCustomer) {
        this.workOrderCustomer = workOrderCustomer;
        this.store = store;
        this.desk = desk;
        this.rules = rules;
    }

    /** @return how many pushes were planned (not counting refused ones) */
    int take(BusinessEvent event) {
        Instant now = now();
        int planned = store.inTransaction(s -> {
            int n = 0;
            for (Rule rule : rules.get()) {
                if (!rule.event().equals(event.type())) {
                    continue;
                }
                for (String affected : event.affected()) {
                    n += plan(s, event, rule, affected, now) ? 1 : 0;
                }
            }
            return n;
        });
        if (planned > 0) {
            try {
                sendDue();
            } catch (RuntimeException away) {
                // planned and stored: the sweep sends them once what is away is back, and says the outage once
                if (!Outage.isOutage(away)) {
                    throw away;
                }
            }
        }
        return planned;
    }

    private boolean plan(StoreSession s, BusinessEvent event, Rule rule, String affected, Instant now) throws SQLException {
        String id = UUID.nameUUIDFromBytes((event.id() + "\n" + rule.name() + "\n" + affected)
                .getBytes(StandardCharsets.UTF_8)).toString();
        if (exists(s, id)) {
            return false;
        }
        Optional<Customer> customer = resolve(s, affected, workOrderCustomer);
        String status;
        String detail = null;
        Instant notBefore = now;
        if (customer.isEmpty()) {
            status = "UNKNOWN_CUSTOMER";
            detail = "no customer is known as " + affected;
        } else if (!rule.consented(customer.get().tags())) {
            status = "NO_CONSENT";
            detail = "the customer's tags " + customer.get().tags() + " refuse " + rule.category().name().toLowerCase() + " messages";
        } else {
            status = "PLANNED";
            if (rule.quiet() != null) {
                notBefore = rule.quiet().nextAllowed(now);
            }
        }
        try (PreparedStatement ps = s.connection().prepareStatement("INSERT INTO pr_push (id, event_id, event_type, rule,"
                + " affected, customer_id, channel, text, reason, status, detail, not_before, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, event.id());
            ps.setString(3, event.type());
            ps.setString(4, rule.name());
            ps.setString(5, affected.length() > 300 ? affected.substring(0, 300) : affected);
            ps.setString(6, customer.map(Customer::id).orElse(null));
            ps.setString(7, rule.channel());
            ps.setString(8, rule.text(event.data()));
            ps.setString(9, rule.reason(event.type(), event.data()));
            ps.setString(10, status);
            ps.setString(11, detail);
            ps.setObject(12, notBefore.atOffset(ZoneOffset.UTC));
            ps.setObject(13, now.atOffset(ZoneOffset.UTC));
            ps.executeUpdate();
        }
        if (!status.equals("PLANNED")) {
            LOG.info("proactive: {} for {} not sent: {}", rule.name(), affected, detail);
        }
        return status.equals("PLANNED");
    }

    private static Optional<Customer> resolve(StoreSession s, String affected,
                                              Function<String, Optional<String>> workOrderCustomer) throws SQLException {
        int colon = affected.indexOf(':');
        if (colon <= 0 || colon == affected.length() - 1) {
            return Optional.empty();
        }
        String kind = affected.substring(0, colon);
        String rest = affected.substring(colon + 1);
        if (kind.equals("customer")) {
            return s.customers().byId(rest);
        }
        if (kind.equals("workorder")) {
            Optional<String> customerId = workOrderCustomer.apply(rest);
            return customerId.isEmpty() ? Optional.empty() : s.customers().byId(customerId.get());
        }
        try {
            return s.customers().byAddress(new ChannelAddress(kind, rest));
        } catch (IllegalArgumentException notAnAddress) {
            return Optional.empty();
        }
    }

    /**
     * Sends what is due; what cannot be sent now stays planned for the next sweep. An outage (the
     * database away) ends the sweep, which the sweep's OutageLog says once, instead of a warning for
     * every push waiting.
     */
    void sendDue() {
        Instant now = now();
        List<PlannedPush> due = store.inTransaction(s -> read(s, "WHERE status = 'PLANNED' AND not_before <= ? ORDER BY not_before",
                List.of(now), 200));
        for (PlannedPush p : due) {
            String status;
            String detail = null;
            Message sent = null;
            try {
                Map<String, String> data = new TreeMap<>();
                data.put("eventId", p.eventId());
                data.put("eventType", p.eventType());
                data.put("rule", p.rule());
                sent = desk.push(p.customerId(), p.channel(), p.text(), p.id(), p.reason(), data);
                status = "SENT";
            } catch (IllegalArgumentException | NoSuchElementException nowhere) {
                status = "UNDELIVERABLE";
                detail = nowhere.getMessage();
            } catch (RuntimeException later) {
                if (Outage.isOutage(later)) {
                    throw later;
                }
                LOG.warn("proactive: push {} not sent yet, will retry: {}", p.id(), later.toString());
                continue;
            }
            Message m = sent;
            String st = status;
            String why = detail;
            store.inTransaction(s -> {
                try (PreparedStatement ps = s.connection().prepareStatement("UPDATE pr_push SET status = ?, detail = ?,"
                        + " sent_at = ?, message_id = ?, conversation_id = ? WHERE id = ? AND status = 'PLANNED'")) {
                    ps.setString(1, st);
                    ps.setString(2, why);
                    ps.setObject(3, now().atOffset(ZoneOffset.UTC));
                    ps.setString(4, m == null ? null : m.id());
                    ps.setString(5, m == null ? null : m.conversationId());
                    ps.setString(6, p.id());
                    ps.executeUpdate();
                }
                return null;
            });
        }
    }

    List<PlannedPush> ofEvent(String eventId) {
        return store.inTransaction(s -> read(s, "WHERE event_id = ? ORDER BY created_at, id", List.of(eventId), 10_000));
    }

    List<PlannedPush> latest(int limit) {
        return store.inTransaction(s -> read(s, "ORDER BY created_at DESC, id", List.of(), Math.max(1, Math.min(limit, 1000))));
    }

    private static boolean exists(StoreSession s, String id) throws SQLException {
        try (PreparedStatement ps = s.connection().prepareStatement("SELECT 1 FROM pr_push WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static List<PlannedPush> read(StoreSession s, String where, List<Object> values, int limit) throws SQLException {
        try (PreparedStatement ps = s.connection().prepareStatement("SELECT id, event_id, event_type, rule, affected,"
                + " customer_id, channel, text, reason, status, detail, not_before, sent_at, message_id, conversation_id"
                + " FROM pr_push " + where)) {
            for (int i = 0; i < values.size(); i++) {
                Object v = values.get(i);
                ps.setObject(i + 1, v instanceof Instant at ? at.atOffset(ZoneOffset.UTC) : v);
            }
            ps.setMaxRows(limit);
            List<PlannedPush> all = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    all.add(new PlannedPush(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10),
                            rs.getString(11), instant(rs, 12), instant(rs, 13), rs.getString(14), rs.getString(15)));
                }
            }
            return all;
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime v = rs.getObject(column, OffsetDateTime.class);
        return v == null ? null : v.toInstant();
    }

    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
