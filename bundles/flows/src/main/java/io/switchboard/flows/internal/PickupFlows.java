package io.switchboard.flows.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.BusinessEvent;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.SystemReply;
import io.switchboard.api.SystemRequest;
import io.switchboard.bus.Bus;
import io.switchboard.bus.BusUnavailableException;
import io.switchboard.store.Store;
import io.switchboard.workorders.WorkOrder;
import io.switchboard.workorders.WorkOrderType;
import io.switchboard.workorders.WorkOrders;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flow 1 of the design: a pickup the bot took down becomes a work order for the couriers and a
 * pickup at the courier company, told what vehicle and bag to bring; the company's callbacks
 * (picked up, delivered, cancelled) move the work order, whose notices tell the customer.
 *
 * <p>Safe to repeat, since the bus may hand anything over twice: the work order's creation key is
 * the bot's dialogue key, the request's id is the work order's, a reply is taken once (the row
 * leaves REQUESTED once), and a callback moves the order only where its type allows the step.
 */
final class PickupFlows {

    static final String SYSTEM = "logistics";
    static final String CALLER = "flows-pickup";
    static final String REPLIES = BusAddress.systemReply(CALLER);
    static final String EVENTS = BusAddress.BUSINESS_EVENTS + "::" + BusAddress.BUSINESS_EVENTS + ".flows";
    static final String BY = "flows";
    static final String REQUESTED = "REQUESTED";
    static final String BOOKED = "BOOKED";
    static final String FAILED = "FAILED";
    private static final Logger LOG = LoggerFactory.getLogger(PickupFlows.class);

    /** Where pickups go and how long the courier company may take to answer (through an outage). */
    record Settings(String team, Duration logisticsWait) {
    }

    /** What the bot took down. */
    record Order(String key, String customerId, String conversationId, String name, String phone, String item,
                 String weightKg, String sizeCm, String address, String window, Luggage.Needs needs) {
    }

    private final Store store;
    private final Bus bus;
    private final WorkOrders workOrders;
    private final CanonicalJson json;
    private final Clock clock;
    private volatile Settings settings;

    PickupFlows(Store store, Bus bus, WorkOrders workOrders, CanonicalJson json, Clock clock, Settings settings) {
        this.store = store;
        this.bus = bus;
        this.workOrders = workOrders;
        this.json = json;
        this.clock = clock;
        this.settings = settings;
    }

    void configure(Settings settings) {
        this.settings = settings;
    }

    /** The work order (once per key) and its request to the courier company. */
    WorkOrder order(Order o) {
        String details = "物品 Item: " + o.item() + "\n重量 Weight: " + o.weightKg() + " kg\n尺寸 Size: " + o.sizeCm()
                + " cm\n地址 Address: " + o.address() + "\n时间 Window: " + o.window() + "\n电话 Phone: " + o.phone();
        WorkOrder w = workOrders.create(new WorkOrder.Draft("pickup", o.customerId(), o.conversationId(),
                "超大行李上门取件 Oversized luggage pickup", details, List.of(o.needs().requirement()), settings.team(), null,
                Map.of("vehicle", o.needs().vehicle(), "packaging", o.needs().packaging()), null, o.key()), BY);
        Map<String, String> params = new LinkedHashMap<>();
        params.put("reference", w.number());
        params.put("name", o.name());
        params.put("phone", o.phone());
        params.put("address", o.address());
        params.put("window", o.window());
        params.put("description", o.item());
        params.put("weightKg", o.weightKg());
        params.put("sizeCm", o.sizeCm());
        params.put("vehicle", o.needs().vehicle());
        params.put("packaging", o.needs().packaging());
        params.put("requirements", o.needs().requirement());
        Instant now = clock.instant();
        store.inTransaction(s -> {
            if (!list(s.connection(), "select * from flow_pickup where work_order_id=?", w.id()).isEmpty()) {
                return null;
            }
            // the primary key stops a second node doing the same at the same moment; its message comes again
            try (PreparedStatement ps = s.connection().prepareStatement("insert into flow_pickup (work_order_id, number,"
                    + " customer_id, conversation_id, state, params, expires_at, created_at, updated_at)"
                    + " values (?,?,?,?,?,?,?,?,?)")) {
                ps.setString(1, w.id());
                ps.setString(2, w.number());
                ps.setString(3, w.customerId());
                ps.setString(4, w.conversationId());
                ps.setString(5, REQUESTED);
                ps.setString(6, json.toJson(params));
                ps.setTimestamp(7, Timestamp.from(now.plus(settings.logisticsWait())));
                ps.setTimestamp(8, Timestamp.from(now));
                ps.setTimestamp(9, Timestamp.from(now));
                ps.executeUpdate();
            }
            return null;
        });
        pickup(w.id()).filter(p -> REQUESTED.equals(p.state())).ifPresent(this::ask);
        return w;
    }

    /** A pickup as this flow keeps it. */
    record Pickup(String workOrderId, String number, String customerId, String state, Map<String, String> params,
                  String tracking, String fault, Instant expiresAt, Instant askedAt) {
    }

    /** Puts the request on the bus, or leaves it to the sweep if the bus does not take it. */
    void ask(Pickup p) {
        try {
            put(p);
        } catch (BusUnavailableException e) {
            LOG.warn("pickup {}: request not on the bus yet: {}", p.number(), e.getMessage());
        }
    }

    /**
     * Puts the request on the bus; the bus drops a repeat by its id and the connector answers once.
     *
     * @throws BusUnavailableException when the bus did not take it: the pickup stays unasked
     */
    private void put(Pickup p) {
        SystemRequest request = new SystemRequest("pickup:" + p.workOrderId(), SYSTEM, "CreatePickup", p.params(),
                p.customerId(), null, REPLIES, clock.instant(), p.expiresAt());
        bus.send(BusAddress.systemRequest(SYSTEM), json.toJson(request), Map.of(BusAddress.DUPLICATE_ID, request.id(),
                BusAddress.PAYLOAD_TYPE, "SystemRequest"));
        update(p.workOrderId(), "asked_at=?", clock.instant());
    }

    /**
     * Pickups whose request the bus did not take: asked again. The bus still away ends the sweep, which
     * says so once (OutageLog), instead of a warning for every pickup waiting.
     */
    void sweep() {
        store.inTransaction(s -> list(s.connection(), "select * from flow_pickup where state=? and asked_at is null",
                REQUESTED)).forEach(this::put);
    }

    /** The courier company's answer to CreatePickup. */
    void answer(SystemReply reply) {
        String id = reply.requestId().startsWith("pickup:") ? reply.requestId().substring("pickup:".length()) : reply.requestId();
        Optional<Pickup> found = pickup(id);
        if (found.isEmpty()) {
            LOG.warn("a reply to {} that is no pickup; dropped", reply.requestId());
            return;
        }
        Pickup p = found.get();
        if (!REQUESTED.equals(p.state())) {
            return;
        }
        if (reply.status() == SystemReply.Status.OK) {
            String tracking = reply.data().get("trackingNumber");
            Map<String, String> refs = new LinkedHashMap<>();
            refs.put("trackingNumber", tracking);
            workOrders.refer(p.workOrderId(), refs, BY);
            workOrders.note(p.workOrderId(), "物流已受理 Logistics booked: " + tracking
                    + (reply.data().get("eta") == null ? "" : ", ETA " + reply.data().get("eta"))
                    + " (" + reply.data().getOrDefault("vehicle", p.params().get("vehicle")) + ", "
                    + reply.data().getOrDefault("packaging", p.params().get("packaging")) + ")", BY);
            store.inTransaction(s -> {
                try (PreparedStatement ps = s.connection().prepareStatement(
                        "update flow_pickup set state=?, tracking=?, updated_at=? where work_order_id=? and state=?")) {
                    ps.setString(1, BOOKED);
                    ps.setString(2, tracking);
                    ps.setTimestamp(3, Timestamp.from(clock.instant()));
                    ps.setString(4, p.workOrderId());
                    ps.setString(5, REQUESTED);
                    ps.executeUpdate();
                }
                return null;
            });
        } else {
            String fault = reply.fault() == null ? reply.status().name() : reply.fault();
            // the dispatcher sees it on the order (and the customer's timeline) and books by hand
            workOrders.note(p.workOrderId(), "物流下单失败 Logistics refused the pickup: " + fault, BY);
            store.inTransaction(s -> {
                try (PreparedStatement ps = s.connection().prepareStatement(
                        "update flow_pickup set state=?, fault=?, updated_at=? where work_order_id=? and state=?")) {
                    ps.setString(1, FAILED);
                    ps.setString(2, fault.length() > 2000 ? fault.substring(0, 2000) : fault);
                    ps.setTimestamp(3, Timestamp.from(clock.instant()));
                    ps.setString(4, p.workOrderId());
                    ps.setString(5, REQUESTED);
                    ps.executeUpdate();
                }
                return null;
            });
        }
    }

    /**
     * The courier company's callbacks, as the logistics connector publishes them: the work order
     * named by {@code reference} moves to picked_up, delivered or cancelled where its type allows
     * (a step it already took is not taken again). A delay is the proactive rule's to tell.
     */
    void follow(BusinessEvent event) {
        String to = switch (event.type()) {
            case "parcel.picked-up" -> "picked_up";
            case "parcel.delivered" -> "delivered";
            case "parcel.cancelled" -> "cancelled";
            default -> null;
        };
        String reference = event.data().get("reference");
        if (to == null || reference == null || reference.isBlank()) {
            return;
        }
        WorkOrder w;
        try {
            w = workOrders.workOrder(reference);
        } catch (NoSuchElementException e) {
            LOG.info("{} for {}, which is no work order here; ignored", event.type(), reference);
            return;
        }
        WorkOrderType type = workOrders.types().stream().filter(t -> t.name().equals(w.type())).findFirst().orElse(null);
        if (type == null || !type.allows(w.state(), to)) {
            LOG.info("{} for {} in state {}: no step to take", event.type(), w.number(), w.state());
            return;
        }
        Map<String, String> data = new LinkedHashMap<>();
        data.put("source", event.source());
        data.put("event", event.id());
        String eta = event.data().get("eta");
        if (eta != null && !eta.isBlank()) {
            data.put("eta", eta);
        }
        String courier = event.data().get("courier");
        String reason = event.data().get("reason");
        String note = courier == null || courier.isBlank() ? reason : "快递员 " + courier
                + (reason == null || reason.isBlank() ? "" : "，" + reason);
        workOrders.transition(w.id(), to, BY, note, data);
    }

    Optional<Pickup> pickup(String workOrderId) {
        return store.inTransaction(s -> list(s.connection(), "select * from flow_pickup where work_order_id=?", workOrderId)
                .stream().findFirst());
    }

    private void update(String workOrderId, String set, Instant value) {
        store.inTransaction(s -> {
            try (PreparedStatement ps = s.connection().prepareStatement("update flow_pickup set " + set + " where work_order_id=?")) {
                ps.setTimestamp(1, Timestamp.from(value));
                ps.setString(2, workOrderId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @SuppressWarnings("unchecked")
    private List<Pickup> list(Connection c, String sql, String arg) throws SQLException {
        List<Pickup> found = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> raw = json.fromJson(rs.getString("params"), Map.class);
                    Map<String, String> params = new LinkedHashMap<>();
                    raw.forEach((k, v) -> params.put(k, v == null ? "" : v.toString()));
                    Timestamp asked = rs.getTimestamp("asked_at");
                    found.add(new Pickup(rs.getString("work_order_id"), rs.getString("number"), rs.getString("customer_id"),
                            rs.getString("state"), params, rs.getString("tracking"), rs.getString("fault"),
                            rs.getTimestamp("expires_at").toInstant(), asked == null ? null : asked.toInstant()));
                }
            }
        }
        return found;
    }
}
