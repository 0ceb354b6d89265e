package io.switchboard.kpis.internal;

import io.switchboard.api.Customer;
import io.switchboard.api.DomainEvent;
import io.switchboard.api.Message;
import io.switchboard.api.TimelineEntry;
import io.switchboard.conversation.AgentDesk;
import io.switchboard.store.Store;
import io.switchboard.store.StoreSession;
import io.switchboard.workorders.WorkOrder;
import io.switchboard.workorders.WorkOrderType;
import io.switchboard.workorders.WorkOrders;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a spike of complaints about one area into one work order. A customer's message is a
 * complaint when it contains one of the keywords; its area is the first configured area its text
 * names, else the customer's {@code area:<name>} tag. When {@code threshold} complaints about an
 * area not yet in an incident arrive within {@code window}, one work order of the incident type is
 * made; those complaints and every later one while it is open are linked to it, each with one entry
 * on the complainant's timeline. Every linked customer is told each step the order's type has a
 * notice for, and its close, on their preferred channel.
 *
 * <p>Idempotent under redelivery and restarts: a complaint is keyed by its message id, the order by
 * the key of the cluster's first complaint, the timeline entry by the message id, the closing notice
 * by the order and the customer; at most one incident per area is open (a unique key).
 */
public final class Clusters {

    /** What the bundle writes as on work orders and the timeline. */
    static final String BY = "kpis";

    private static final Logger LOG = LoggerFactory.getLogger(Clusters.class);

    record Settings(List<String> keywords, List<String> areas, int threshold, Duration window, String type, String team,
                    String title, String closedText) {
    }

    /** An incident as the API shows it. */
    public record Incident(String workOrderId, String number, String area, Instant openedAt, Instant closedAt,
                           int complaints) {
    }

    private record Complaint(String messageId, String customerId, String conversationId, Instant receivedAt) {
    }

    private final Store store;
    private final WorkOrders workOrders;
    private final AgentDesk desk;
    private final Supplier<Settings> settings;

    Clusters(Store store, WorkOrders workOrders, AgentDesk desk, Supplier<Settings> settings) {
        this.store = store;
        this.workOrders = workOrders;
        this.desk = desk;
        this.settings = settings;
    }

    void heard(DomainEvent event) {
        if (DomainEvent.MESSAGE_RECEIVED.equals(event.type())) {
            received(event);
        } else if (WorkOrders.CHANGED.equals(event.type())) {
            changed(event);
        }
    }

    /** The area a complaint is about, or empty when the text is no complaint or names no area. */
    static Optional<String> area(String text, List<String> tags, Settings settings) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        String lower = text.toLowerCase(Locale.ROOT);
        boolean complaint = settings.keywords().stream().anyMatch(k -> lower.contains(k.toLowerCase(Locale.ROOT)));
        if (!complaint) {
            return Optional.empty();
        }
        for (String area : settings.areas()) {
            if (lower.contains(area.toLowerCase(Locale.ROOT))) {
                return Optional.of(area);
            }
        }
        for (String tag : tags) {
            if (tag.regionMatches(true, 0, "area:", 0, 5) && tag.length() > 5) {
                return Optional.of(tag.substring(5).strip());
            }
        }
        return Optional.empty();
    }

    private void received(DomainEvent event) {
        String messageId = event.data().get("messageId");
        if (messageId == null || event.customerId() == null) {
            return;
        }
        Settings st = settings.get();
        // the cluster's first complaint when this one completes a cluster; empty otherwise
        Optional<Complaint> seed = store.inTransaction(s -> {
            Optional<Message> message = s.messages().byId(messageId);
            if (message.isEmpty()) {
                return Optional.<Complaint>empty();
            }
            Message m = message.get();
            String customerId = m.customerId() != null ? m.customerId() : event.customerId();
            List<String> tags = s.customers().byId(customerId).map(Customer::tags).orElse(List.of());
            Optional<String> area = area(m.text(), tags, st);
            if (area.isEmpty()) {
                return Optional.<Complaint>empty();
            }
            Instant at = (m.time() != null ? m.time() : event.time()).truncatedTo(ChronoUnit.MICROS);
            insert(s, new Complaint(messageId, customerId, m.conversationId(), at), area.get(), m.address().channel());
            Optional<Incident> open = open(s, area.get());
            if (open.isPresent()) {
                link(s, open.get(), at);
                return Optional.<Complaint>empty();
            }
            List<Complaint> waiting = unlinked(s, area.get(), at.minus(st.window()));
            return waiting.size() >= st.threshold() ? Optional.of(waiting.get(0)) : Optional.<Complaint>empty();
        });
        if (seed.isPresent()) {
            open(seed.get(), st);
        }
    }

    /** Makes the cluster's work order (once, by its first complaint's key) and links the cluster to it. */
    private void open(Complaint first, Settings st) {
        String area = store.inTransaction(s -> areaOf(s, first.messageId()));
        int count = store.inTransaction(s -> unlinked(s, area, first.receivedAt()).size());
        WorkOrder order = workOrders.create(new WorkOrder.Draft(st.type(), first.customerId(), first.conversationId(),
                st.title().replace("{area}", area).replace("{count}", String.valueOf(count)),
                count + " complaints about " + area + " since " + first.receivedAt() + "; every complainant is linked"
                        + " to this order and told when it closes.",
                List.of(), st.team(), null, Map.of("area", area), null, "complaints:" + first.messageId()), BY);
        store.inTransaction(s -> {
            Optional<Incident> open = open(s, area);
            Incident incident;
            if (open.isPresent()) {
                incident = open.get(); // made by an earlier delivery, or by another node
            } else if (known(s, order.id())) {
                return null; // that order is closed already: a late redelivery
            } else {
                incident = new Incident(order.id(), order.number(), area, Instant.now().truncatedTo(ChronoUnit.MICROS),
                        null, 0);
                try (PreparedStatement ps = s.connection().prepareStatement("INSERT INTO kpi_incident (id, number, area,"
                        + " open_area, opened_at) VALUES (?, ?, ?, ?, ?)")) {
                    ps.setString(1, incident.workOrderId());
                    ps.setString(2, incident.number());
                    ps.setString(3, area);
                    ps.setString(4, area);
                    ps.setObject(5, incident.openedAt().atOffset(ZoneOffset.UTC));
                    ps.executeUpdate();
                }
            }
            link(s, incident, first.receivedAt());
            return null;
        });
        LOG.info("complaints about {} clustered into work order {}", area, order.number());
    }

    /**
     * A step of a cluster's work order. The type's notice for the new state (the work-order notice
     * mechanism tells only the order's own customer, the cluster's first complainant) goes to every
     * other linked customer too; on a terminal state the incident closes, and when the type has no
     * notice for it, every linked customer gets {@code closedText}.
     */
    private void changed(DomainEvent event) {
        String id = event.data().get("workOrderId");
        String to = event.data().get("to");
        Settings st = settings.get();
        if (id == null || to == null || !st.type().equals(event.data().get("type"))) {
            return;
        }
        Optional<WorkOrderType> type = workOrders.types().stream().filter(t -> t.name().equals(st.type())).findFirst();
        boolean terminal = type.map(t -> t.terminal().contains(to)).orElse(false);
        String notice = type.map(t -> t.notices().get(to)).orElse(null);
        if (!terminal && notice == null) {
            return;
        }
        record Linked(Incident incident, Set<String> customers) {
        }
        Linked linked = store.inTransaction(s -> {
            Optional<Incident> incident = incident(s, id);
            if (incident.isEmpty()) {
                return null;
            }
            if (terminal) {
                try (PreparedStatement ps = s.connection().prepareStatement(
                        "UPDATE kpi_incident SET open_area = NULL, closed_at = COALESCE(closed_at, ?) WHERE id = ?")) {
                    ps.setObject(1, event.time().truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC));
                    ps.setString(2, id);
                    ps.executeUpdate();
                }
            }
            Set<String> customers = new LinkedHashSet<>();
            try (PreparedStatement ps = s.connection().prepareStatement(
                    "SELECT customer_id FROM kpi_complaint WHERE incident_id = ? ORDER BY received_at")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        customers.add(rs.getString(1));
                    }
                }
            }
            return new Linked(incident.get(), customers);
        });
        if (linked == null) {
            return;
        }
        Incident incident = linked.incident();
        String text = (notice != null ? notice : st.closedText()).replace("{area}", incident.area())
                .replace("{number}", incident.number()).replace("{title}", event.data().getOrDefault("title", incident.area()))
                .replace("{note}", "").replace("{eta}", "").replace("{assignee}", "").strip();
        for (String customerId : linked.customers()) {
            if (notice != null && customerId.equals(event.customerId())) {
                continue; // the work order told its own customer already
            }
            // the push id makes a redelivered event send nothing twice; a failure throws, and the
            // event comes again for the customers not told yet
            desk.push(customerId, null, text, pushId(id + "|" + to, customerId), "Network incident "
                    + incident.number() + ": " + to, Map.of("workOrderId", id, "number", incident.number(), "area",
                    incident.area(), "state", to));
        }
    }

    /** At most 40 characters, as message ids are. */
    static String pushId(String step, String customerId) {
        return java.util.UUID.nameUUIDFromBytes(("incident|" + step + "|" + customerId)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
    }

    List<Incident> incidents(boolean openOnly) {
        return store.inTransaction(s -> {
            List<Incident> all = new ArrayList<>();
            try (PreparedStatement ps = s.connection().prepareStatement("SELECT i.id, i.number, i.area, i.opened_at,"
                    + " i.closed_at, (SELECT COUNT(*) FROM kpi_complaint c WHERE c.incident_id = i.id) FROM kpi_incident i"
                    + (openOnly ? " WHERE i.open_area IS NOT NULL" : "") + " ORDER BY i.opened_at DESC")) {
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        all.add(incident(rs));
                    }
                }
            }
            return all;
        });
    }

    private static Incident incident(ResultSet rs) throws SQLException {
        OffsetDateTime closed = rs.getObject(5, OffsetDateTime.class);
        return new Incident(rs.getString(1), rs.getString(2), rs.getString(3),
                rs.getObject(4, OffsetDateTime.class).toInstant(), closed == null ? null : closed.toInstant(), rs.getInt(6));
    }

    private static Optional<Incident> open(StoreSession s, String area) throws SQLException {
        return one(s, "i.open_area = ?", area);
    }

    private static Optional<Incident> incident(StoreSession s, String id) throws SQLException {
        return one(s, "i.id = ?", id);
    }

    private static boolean known(StoreSession s, String id) throws SQLException {
        return incident(s, id).isPresent();
    }

    private static Optional<Incident> one(StoreSession s, String where, String value) throws SQLException {
        try (PreparedStatement ps = s.connection().prepareStatement("SELECT i.id, i.number, i.area, i.opened_at,"
                + " i.closed_at, (SELECT COUNT(*) FROM kpi_complaint c WHERE c.incident_id = i.id) FROM kpi_incident i"
                + " WHERE " + where)) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(incident(rs)) : Optional.empty();
            }
        }
    }

    private static void insert(StoreSession s, Complaint c, String area, String channel) throws SQLException {
        try (PreparedStatement ps = s.connection().prepareStatement("SELECT 1 FROM kpi_complaint WHERE message_id = ?")) {
            ps.setString(1, c.messageId());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
        }
        try (PreparedStatement ps = s.connection().prepareStatement("INSERT INTO kpi_complaint (message_id, customer_id,"
                + " conversation_id, channel, area, received_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, c.messageId());
            ps.setString(2, c.customerId());
            ps.setString(3, c.conversationId());
            ps.setString(4, channel);
            ps.setString(5, area);
            ps.setObject(6, c.receivedAt().atOffset(ZoneOffset.UTC));
            ps.executeUpdate();
        }
    }

    private static String areaOf(StoreSession s, String messageId) throws SQLException {
        try (PreparedStatement ps = s.connection().prepareStatement("SELECT area FROM kpi_complaint WHERE message_id = ?")) {
            ps.setString(1, messageId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** Complaints about {@code area} in no incident, received at or after {@code since}, oldest first. */
    private static List<Complaint> unlinked(StoreSession s, String area, Instant since) throws SQLException {
        List<Complaint> all = new ArrayList<>();
        try (PreparedStatement ps = s.connection().prepareStatement("SELECT message_id, customer_id, conversation_id,"
                + " received_at FROM kpi_complaint WHERE area = ? AND incident_id IS NULL AND received_at >= ?"
                + " ORDER BY received_at, message_id")) {
            ps.setString(1, area);
            ps.setObject(2, since.atOffset(ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    all.add(new Complaint(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getObject(4, OffsetDateTime.class).toInstant()));
                }
            }
        }
        return all;
    }

    /** Links the area's unlinked complaints since {@code since} to the incident, one timeline entry each. */
    private static void link(StoreSession s, Incident incident, Instant since) throws SQLException {
        for (Complaint c : unlinked(s, incident.area(), since)) {
            try (PreparedStatement ps = s.connection().prepareStatement(
                    "UPDATE kpi_complaint SET incident_id = ? WHERE message_id = ? AND incident_id IS NULL")) {
                ps.setString(1, incident.workOrderId());
                ps.setString(2, c.messageId());
                if (ps.executeUpdate() == 0) {
                    continue;
                }
            }
            s.timeline().record(new TimelineEntry("incident:" + c.messageId(), c.customerId(), c.conversationId(),
                    Instant.now().truncatedTo(ChronoUnit.MICROS), TimelineEntry.Kind.WORK_ORDER, null, null, BY,
                    "linked to network incident " + incident.number(), Map.of("workOrderId", incident.workOrderId(),
                            "number", incident.number(), "area", incident.area(), "messageId", c.messageId())));
        }
    }
}
