package io.switchboard.flows.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.Ids;
import io.switchboard.api.SystemReply;
import io.switchboard.api.SystemRequest;
import io.switchboard.api.TimelineEntry;
import io.switchboard.bus.Bus;
import io.switchboard.bus.BusUnavailableException;
import io.switchboard.conversation.AgentDesk;
import io.switchboard.conversation.CustomerDirectory;
import io.switchboard.store.Store;
import io.switchboard.workorders.WorkOrder;
import io.switchboard.workorders.WorkOrders;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flow 2 of the design: a customer calls about a fault; billing is asked whether the line is
 * suspended for arrears; if it is, the customer is told how to get it back, otherwise a repair
 * work order goes to the field team, whose notices tell the customer the rest.
 *
 * <p>Each step is safe to repeat, because the bus may hand a reply over twice: the push's id, the
 * work order's creation key and the timeline entries' ids all derive from the flow's id, and the
 * flow leaves WAITING_FOR_BILLING only once.
 */
final class RepairFlows {

    static final String SYSTEM = "billing";
    static final String CALLER = "flows";
    static final String REPLIES = BusAddress.systemReply(CALLER);
    static final String BY = "flows";
    private static final Logger LOG = LoggerFactory.getLogger(RepairFlows.class);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneId.of("Asia/Shanghai"));

    /** What the flow tells and files: the customer's arrears text, and the work order's team. */
    record Settings(Duration billingWait, String arrearsText, String team) {
    }

    private final Store store;
    private final Bus bus;
    private final AgentDesk desk;
    private final CustomerDirectory directory;
    private final WorkOrders workOrders;
    private final Systems systems;
    private final CanonicalJson json;
    private final Clock clock;
    private volatile Settings settings;

    RepairFlows(Store store, Bus bus, AgentDesk desk, CustomerDirectory directory, WorkOrders workOrders, Systems systems,
                CanonicalJson json, Clock clock, Settings settings) {
        this.store = store;
        this.bus = bus;
        this.desk = desk;
        this.directory = directory;
        this.workOrders = workOrders;
        this.systems = systems;
        this.json = json;
        this.clock = clock;
        this.settings = settings;
    }

    void configure(Settings settings) {
        this.settings = settings;
    }

    /** An agent took a fault call: record it, tell the timeline, ask billing. A repeat returns the first flow. */
    RepairFlow start(RepairFlow.Start start, String by) {
        if (start == null) {
            throw new IllegalArgumentException("a JSON body is required");
        }
        String account = text(start.account(), "account", 100);
        String fault = text(start.fault(), "fault", 4000);
        String customerId = text(start.customerId(), "customerId", 40);
        String requestId = start.requestId() == null || start.requestId().isBlank() ? Ids.newId()
                : text(start.requestId(), "requestId", 120);
        try {
            directory.customer(customerId);
        } catch (NoSuchElementException e) {
            throw new IllegalArgumentException("no customer " + customerId);
        }
        Instant now = clock.instant();
        RepairFlow flow = store.inTransaction(s -> {
            Optional<RepairFlow> earlier = byRequest(s.connection(), requestId);
            if (earlier.isPresent()) {
                return earlier.get();
            }
            String id = Ids.newId();
            try (PreparedStatement ps = s.connection().prepareStatement("insert into flow_repair (id, request_id, customer_id,"
                    + " conversation_id, account, fault, state, expires_at, created_by, created_at, updated_at)"
                    + " values (?,?,?,?,?,?,?,?,?,?,?)")) {
                ps.setString(1, id);
                ps.setString(2, requestId);
                ps.setString(3, customerId);
                ps.setString(4, start.conversationId());
                ps.setString(5, account);
                ps.setString(6, fault);
                ps.setString(7, RepairFlow.WAITING_FOR_BILLING);
                ps.setTimestamp(8, Timestamp.from(now.plus(settings.billingWait())));
                ps.setString(9, by);
                ps.setTimestamp(10, Timestamp.from(now));
                ps.setTimestamp(11, Timestamp.from(now));
                ps.executeUpdate();
            }
            return byId(s.connection(), id).orElseThrow();
        });
        timeline(flow, "asked", "Billing asked about account " + account + " (fault reported: " + fault + ")", by,
                Map.of());
        if (RepairFlow.WAITING_FOR_BILLING.equals(flow.state())) {
            ask(flow);
        }
        return view(flow.id());
    }

    /** Puts the flow's request on the bus, or leaves it to the sweep if the bus does not take it. */
    void ask(RepairFlow flow) {
        try {
            put(flow);
        } catch (BusUnavailableException e) {
            // the flow is stored; the sweep asks again
            LOG.warn("repair flow {}: request not on the bus yet: {}", flow.id(), e.getMessage());
        }
    }

    /**
     * Puts the flow's request on the bus; the bus drops a repeat by its id, the connector answers once.
     *
     * @throws BusUnavailableException when the bus did not take it: the flow stays unasked
     */
    private void put(RepairFlow flow) {
        SystemRequest request = new SystemRequest(flow.id(), SYSTEM, "GetAccountStatus", Map.of("accountNumber", flow.account()),
                flow.customerId(), flow.conversationId(), REPLIES, clock.instant(), flow.expiresAt());
        bus.send(BusAddress.systemRequest(SYSTEM), json.toJson(request), Map.of(BusAddress.DUPLICATE_ID, flow.id(),
                BusAddress.PAYLOAD_TYPE, "SystemRequest"));
        store.inTransaction(s -> {
            try (PreparedStatement ps = s.connection().prepareStatement("update flow_repair set asked_at=? where id=?")) {
                ps.setTimestamp(1, Timestamp.from(clock.instant()));
                ps.setString(2, flow.id());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Flows whose request the bus did not take: asked again. The bus still away ends the sweep, which
     * says so once (OutageLog), instead of a warning for every flow waiting.
     */
    void sweep() {
        List<RepairFlow> unasked = store.inTransaction(s -> list(s.connection(),
                "select * from flow_repair where state='" + RepairFlow.WAITING_FOR_BILLING + "' and asked_at is null", null));
        unasked.forEach(this::put);
    }

    /** Billing's answer, from the flows' reply queue (transacted: a failure here is redelivered). */
    void answer(SystemReply reply) {
        Optional<RepairFlow> found = store.inTransaction(s -> byId(s.connection(), reply.requestId()));
        if (found.isEmpty()) {
            LOG.warn("a reply to {} that is no repair flow; dropped", reply.requestId());
            return;
        }
        RepairFlow flow = found.get();
        if (!RepairFlow.WAITING_FOR_BILLING.equals(flow.state())) {
            return;
        }
        switch (reply.status()) {
            case OK -> answered(flow, reply.data());
            case FAULT -> failed(flow, reply.data(), reply.fault(), "Billing answered with a fault: " + reply.fault());
            case EXPIRED -> failed(flow, reply.data(), reply.fault(), "Billing did not answer in time: " + reply.fault());
        }
    }

    private void answered(RepairFlow flow, Map<String, String> data) {
        String status = data.getOrDefault("status", "");
        String arrears = data.getOrDefault("arrears", "0");
        switch (status) {
            case "SUSPENDED" -> {
                String since = data.get("suspendedSince");
                String text = settings.arrearsText().replace("{account}", flow.account()).replace("{arrears}", arrears)
                        .replace("{since}", since == null ? "" : DAY.format(Instant.parse(since)));
                String outcome;
                try {
                    desk.push(flow.customerId(), null, text, flow.id(), "billing: line suspended for arrears",
                            Map.of("flowId", flow.id(), "account", flow.account(), "arrears", arrears));
                    outcome = "Line suspended for arrears of ¥" + arrears + "; the customer was told how to restore it. No technician.";
                } catch (IllegalArgumentException e) {
                    outcome = "Line suspended for arrears of ¥" + arrears + "; the customer could not be told ("
                            + e.getMessage() + "): tell them on the call. No technician.";
                }
                timeline(flow, "answered", "Billing: account " + flow.account() + " suspended"
                        + (since == null ? "" : " since " + since) + ", arrears ¥" + arrears + ". " + outcome, BY, data);
                finish(flow, RepairFlow.ARREARS_TOLD, data, null, null, null, outcome);
            }
            case "ACTIVE" -> {
                Map<String, String> references = new LinkedHashMap<>();
                references.put("billingAccount", flow.account());
                references.put("repairFlow", flow.id());
                WorkOrder order = workOrders.create(new WorkOrder.Draft("repair", flow.customerId(), flow.conversationId(),
                        "故障报修 Repair: " + shorten(flow.fault(), 200), flow.fault(), List.of(), settings.team(), null,
                        references, null, flow.id()), BY);
                String outcome = "Account in order; repair work order " + order.number() + " for the " + settings.team() + " team.";
                timeline(flow, "answered", "Billing: account " + flow.account() + " active (balance ¥"
                        + data.getOrDefault("balance", "?") + "). " + outcome, BY, Map.of("workOrderId", order.id()));
                finish(flow, RepairFlow.REPAIR_ORDERED, data, null, order.id(), order.number(), outcome);
            }
            default -> failed(flow, data, null, "Billing: account " + flow.account() + " is " + status
                    + "; no repair on it. Tell the customer on the call.");
        }
    }

    private void failed(RepairFlow flow, Map<String, String> data, String billingFault, String outcome) {
        timeline(flow, "answered", outcome, BY, billingFault == null ? Map.of() : Map.of("billingFault", billingFault));
        finish(flow, RepairFlow.FAILED, data, billingFault, null, null, outcome);
    }

    private void finish(RepairFlow flow, String state, Map<String, String> data, String billingFault, String workOrderId,
                        String workOrderNumber, String outcome) {
        store.inTransaction(s -> {
            try (PreparedStatement ps = s.connection().prepareStatement("update flow_repair set state=?, billing_status=?,"
                    + " balance=?, arrears=?, suspended_since=?, billing_fault=?, work_order_id=?, work_order_number=?,"
                    + " outcome=?, updated_at=? where id=? and state=?")) {
                ps.setString(1, state);
                ps.setString(2, data.get("status"));
                ps.setString(3, data.get("balance"));
                ps.setString(4, data.get("arrears"));
                String since = data.get("suspendedSince");
                ps.setTimestamp(5, since == null ? null : Timestamp.from(Instant.parse(since)));
                ps.setString(6, shorten(billingFault, 4000));
                ps.setString(7, workOrderId);
                ps.setString(8, workOrderNumber);
                ps.setString(9, shorten(outcome, 2000));
                ps.setTimestamp(10, Timestamp.from(clock.instant()));
                ps.setString(11, flow.id());
                ps.setString(12, RepairFlow.WAITING_FOR_BILLING);
                ps.executeUpdate();
            }
            return null;
        });
    }

    Optional<RepairFlow> byRequestId(String requestId) {
        return requestId == null ? Optional.empty() : store.inTransaction(s -> byRequest(s.connection(), requestId));
    }

    /** The flow as an agent reads it, with billing's outage while it waits. */
    RepairFlow view(String id) {
        RepairFlow flow = store.inTransaction(s -> byId(s.connection(), id))
                .orElseThrow(() -> new NoSuchElementException("no repair flow " + id));
        if (!RepairFlow.WAITING_FOR_BILLING.equals(flow.state())) {
            return flow;
        }
        Optional<SystemStatus> billing = systems.status(SYSTEM);
        if (billing.isPresent() && SystemStatus.DOWN.equals(billing.get().state())) {
            return flow.withNote("billing unavailable since " + billing.get().since() + ", retrying"
                    + (billing.get().reason() == null ? "" : " (" + billing.get().reason() + ")"));
        }
        return flow.withNote("waiting for billing's answer");
    }

    List<RepairFlow> list(String customerId, String state, int limit) {
        return store.inTransaction(s -> {
            List<Object> args = new ArrayList<>();
            StringBuilder sql = new StringBuilder("select * from flow_repair where 1=1");
            if (customerId != null) {
                sql.append(" and customer_id=?");
                args.add(customerId);
            }
            if (state != null) {
                sql.append(" and state=?");
                args.add(state);
            }
            sql.append(" order by created_at desc");
            List<RepairFlow> all = list(s.connection(), sql.toString(), args);
            return all.subList(0, Math.min(all.size(), Math.max(1, Math.min(limit, 500))));
        });
    }

    private void timeline(RepairFlow flow, String step, String summary, String by, Map<String, String> extra) {
        Map<String, String> data = new LinkedHashMap<>(extra);
        data.put("flow", "repair");
        data.put("flowId", flow.id());
        data.put("account", flow.account());
        // TimelineEntry has no kind for flows yet; CONVERSATION is the nearest ("a conversation's step")
        directory.record(new TimelineEntry("flow-" + step + ":" + flow.id(), flow.customerId(), flow.conversationId(),
                clock.instant(), TimelineEntry.Kind.CONVERSATION, null, null, by, shorten(summary, 2000), data));
    }

    private static Optional<RepairFlow> byId(Connection c, String id) throws SQLException {
        List<RepairFlow> found = list(c, "select * from flow_repair where id=?", List.of(id));
        return found.stream().findFirst();
    }

    private static Optional<RepairFlow> byRequest(Connection c, String requestId) throws SQLException {
        return list(c, "select * from flow_repair where request_id=?", List.of(requestId)).stream().findFirst();
    }

    private static List<RepairFlow> list(Connection c, String sql, List<Object> args) throws SQLException {
        List<RepairFlow> flows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (args != null) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setObject(i + 1, args.get(i));
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    flows.add(row(rs));
                }
            }
        }
        return flows;
    }

    private static RepairFlow row(ResultSet rs) throws SQLException {
        Map<String, String> billing = new LinkedHashMap<>();
        put(billing, "status", rs.getString("billing_status"));
        put(billing, "balance", rs.getString("balance"));
        put(billing, "arrears", rs.getString("arrears"));
        Timestamp since = rs.getTimestamp("suspended_since");
        put(billing, "suspendedSince", since == null ? null : since.toInstant().toString());
        Timestamp expires = rs.getTimestamp("expires_at");
        return new RepairFlow(rs.getString("id"), rs.getString("request_id"), rs.getString("state"),
                rs.getString("customer_id"), rs.getString("conversation_id"), rs.getString("account"), rs.getString("fault"),
                billing.isEmpty() ? null : billing, rs.getString("billing_fault"), rs.getString("work_order_id"),
                rs.getString("work_order_number"), rs.getString("outcome"), null, rs.getString("created_by"),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant(),
                expires == null ? null : expires.toInstant());
    }

    private static void put(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private static String text(String value, String name, int max) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
        if (value.length() > max) {
            throw new IllegalArgumentException(name + " is longer than " + max + " characters");
        }
        return value.trim();
    }

    private static String shorten(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }
}
