package io.switchboard.flows.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.Conversation;
import io.switchboard.api.Ids;
import io.switchboard.api.Staff;
import io.switchboard.api.SystemReply;
import io.switchboard.api.SystemRequest;
import io.switchboard.api.TimelineEntry;
import io.switchboard.bus.Bus;
import io.switchboard.bus.BusUnavailableException;
import io.switchboard.bus.DeadLetters;
import io.switchboard.bus.OutageLog;
import io.switchboard.conversation.AgentDesk;
import io.switchboard.conversation.CustomerDirectory;
import io.switchboard.store.Store;
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
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Agents' calls to any connected system (ERP, billing, logistics): "create an order from this
 * conversation", "what did this customer order". A request is stored in {@code flow_agent_request}
 * before it goes on {@code sb.system.<system>.request}, so it survives a restart; the connector's
 * answer comes back on this bundle's durable reply queue and goes on the customer's timeline of
 * that conversation, so the next agent sees "ERP order 10023 created" or the fault.
 *
 * <p>Safe to repeat: the request's id is its duplicate id on the bus (the broker drops a second
 * send, the connector answers each id once), an agent's {@code Idempotency-Key} returns the first
 * request, a request leaves PENDING only once, and timeline entries' ids derive from its id.
 */
final class AgentRequests {

    static final String CHANGELOG = "io/switchboard/flows/db/agent-requests.xml";
    /** A reply queue of its own, like the pickup flow's, so the repair flow's route is left as it is. */
    static final String CALLER = "flows-agents";
    static final String REPLIES = BusAddress.systemReply(CALLER);
    static final Duration DEFAULT_WAIT = Duration.ofMinutes(240);
    static final int MAX_PARAMS = 500;
    private static final Pattern SYSTEM = Pattern.compile("[a-z][a-z0-9-]{0,31}");
    private static final Pattern OPERATION = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,99}");
    private static final Logger LOG = LoggerFactory.getLogger(AgentRequests.class);

    /** A request and whether this call made it (false: an earlier one with the same key). */
    record Submitted(AgentRequest request, boolean created) {
    }

    /** What needs a supervisor unless configured otherwise: money going back to a customer. */
    static final Set<String> SUPERVISED = Set.of("Refund");

    private final Store store;
    private final Bus bus;
    private final AgentDesk desk;
    private final CustomerDirectory directory;
    private final Systems systems;
    private final CanonicalJson json;
    private final Clock clock;
    private final Set<String> supervised;

    /** With the default of what needs a supervisor: {@link #SUPERVISED}. */
    AgentRequests(Store store, Bus bus, AgentDesk desk, CustomerDirectory directory, Systems systems, CanonicalJson json,
                  Clock clock) {
        this(store, bus, desk, directory, systems, json, clock, SUPERVISED);
    }

    /**
     * @param supervised operations only a supervisor or admin may ask for (money going back to a customer);
     *                   an agent is refused them even in a conversation they hold
     */
    AgentRequests(Store store, Bus bus, AgentDesk desk, CustomerDirectory directory, Systems systems, CanonicalJson json,
                  Clock clock, Set<String> supervised) {
        this.supervised = Set.copyOf(supervised);
        this.store = store;
        this.bus = bus;
        this.desk = desk;
        this.directory = directory;
        this.systems = systems;
        this.json = json;
        this.clock = clock;
    }

    /** The reply queue's route and the sweep; transacted, so a reply that cannot be stored is redelivered. */
    RouteBuilder routes(Duration sweep) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:queue:" + REPLIES + "?transacted=true&asyncStartListener=true")
                        .routeId("flows-agent-replies")
                        .errorHandler(DeadLetters.forAddress(REPLIES))
                        .process(exchange -> answer(json.fromJson(exchange.getMessage().getMandatoryBody(String.class),
                                SystemReply.class)));
                OutageLog sweeping = new OutageLog(LOG, "flows-agent-sweep", sweep);
                from("timer:flows-agent-sweep?delay=" + sweep.toMillis() + "&period=" + sweep.toMillis())
                        .routeId("flows-agent-sweep")
                        .process(exchange -> sweeping.run(AgentRequests.this::sweep));
            }
        };
    }

    /**
     * An agent asks {@code system} for {@code operation} in a conversation: stored, on the customer's
     * timeline, then on the bus. A repeat of {@code idempotencyKey} returns the first request.
     *
     * @throws IllegalArgumentException bad input, or no such conversation (a 400)
     * @throws IllegalStateException the key was used for another system or operation (a 409)
     */
    Submitted submit(String system, AgentRequest.New body, String idempotencyKey, Staff who) {
        String by = who.user();
        if (system == null || !SYSTEM.matcher(system).matches()) {
            throw new IllegalArgumentException("a system's name is lower-case letters, digits and '-', at most 32, not "
                    + system);
        }
        if (body == null) {
            throw new IllegalArgumentException("a JSON body {operation, params, conversationId} is required");
        }
        if (body.operation() == null || !OPERATION.matcher(body.operation()).matches()) {
            throw new IllegalArgumentException("operation is required: a name like CreateOrder");
        }
        Map<String, String> params = params(body.params());
        String conversationId = body.conversationId();
        if (conversationId == null || conversationId.isBlank() || conversationId.length() > 40) {
            throw new IllegalArgumentException("conversationId is required");
        }
        String key = idempotencyKey == null || idempotencyKey.isBlank() ? null : idempotencyKey.trim();
        if (key != null && key.length() > 200) {
            throw new IllegalArgumentException("the Idempotency-Key is longer than 200 characters");
        }
        int minutes = body.expiresInMinutes() == null ? (int) DEFAULT_WAIT.toMinutes() : body.expiresInMinutes();
        if (minutes < 1 || minutes > 7 * 24 * 60) {
            throw new IllegalArgumentException("expiresInMinutes is from 1 to 10080");
        }
        // asked before a repeat is answered: an idempotency key is no way round them
        Conversation conversation;
        try {
            conversation = desk.require(conversationId.trim(), who, true);
        } catch (NoSuchElementException e) {
            throw new IllegalArgumentException("no conversation " + conversationId);
        }
        if (supervised.contains(body.operation()) && !who.oversees()) {
            throw new SecurityException(by + " may not ask for " + body.operation() + ": it needs a supervisor"
                    + " (supervisedOperations in etc/io.switchboard.flows.cfg)");
        }
        if (key != null) {
            Optional<AgentRequest> earlier = store.inTransaction(s -> byKey(s.connection(), key));
            if (earlier.isPresent()) {
                return new Submitted(repeat(earlier.get(), system, body.operation()), false);
            }
        }
        Instant now = clock.instant();
        String id = Ids.newId();
        AgentRequest request = store.inTransaction(s -> {
            if (key != null) {
                // a repeat racing the first one
                Optional<AgentRequest> earlier = byKey(s.connection(), key);
                if (earlier.isPresent()) {
                    return earlier.get();
                }
            }
            try (PreparedStatement ps = s.connection().prepareStatement("insert into flow_agent_request (id, idempotency_key,"
                    + " system_name, operation, params, customer_id, conversation_id, requested_by, status, requested_at,"
                    + " expires_at) values (?,?,?,?,?,?,?,?,?,?,?)")) {
                ps.setString(1, id);
                ps.setString(2, key);
                ps.setString(3, system);
                ps.setString(4, body.operation());
                ps.setString(5, json.toJson(params));
                ps.setString(6, conversation.customerId());
                ps.setString(7, conversation.id());
                ps.setString(8, by);
                ps.setString(9, AgentRequest.PENDING);
                ps.setTimestamp(10, Timestamp.from(now));
                ps.setTimestamp(11, Timestamp.from(now.plus(Duration.ofMinutes(minutes))));
                ps.executeUpdate();
            }
            return byId(s.connection(), id).orElseThrow();
        });
        if (!request.id().equals(id)) {
            return new Submitted(repeat(request, system, body.operation()), false);
        }
        if (!ask(request)) {
            // nothing was asked: the agent is told so (503) and may post again
            store.inTransaction(s -> {
                try (PreparedStatement ps = s.connection().prepareStatement("delete from flow_agent_request where id=?")) {
                    ps.setString(1, id);
                    ps.executeUpdate();
                }
                return null;
            });
            throw new BusUnavailableException("the bus did not take the request to " + system + "; nothing was asked", null);
        }
        timeline(request, "asked", name(system) + " asked: " + request.operation() + " " + describe(params), by, Map.of());
        return new Submitted(view(request.id(), who), true);
    }

    private static AgentRequest repeat(AgentRequest earlier, String system, String operation) {
        if (!earlier.system().equals(system) || !earlier.operation().equals(operation)) {
            throw new IllegalStateException("this Idempotency-Key was used for " + earlier.system() + " "
                    + earlier.operation() + " (request " + earlier.id() + ")");
        }
        return earlier;
    }

    /**
     * Puts the request on the bus; a repeat is dropped by the broker by its id.
     *
     * @return false if the bus did not take it
     */
    boolean ask(AgentRequest request) {
        try {
            put(request);
            return true;
        } catch (BusUnavailableException e) {
            LOG.warn("agent request {}: not on the bus: {}", request.id(), e.getMessage());
            return false;
        }
    }

    /** @throws BusUnavailableException when the bus did not take it: the request stays unasked */
    private void put(AgentRequest request) {
        SystemRequest message = new SystemRequest(request.id(), request.system(), request.operation(), request.params(),
                request.customerId(), request.conversationId(), REPLIES, request.requestedAt(), request.expiresAt());
        bus.send(BusAddress.systemRequest(request.system()), json.toJson(message), Map.of(BusAddress.DUPLICATE_ID,
                request.id(), BusAddress.PAYLOAD_TYPE, "SystemRequest"));
        store.inTransaction(s -> {
            try (PreparedStatement ps = s.connection().prepareStatement("update flow_agent_request set asked_at=? where id=?")) {
                ps.setTimestamp(1, Timestamp.from(clock.instant()));
                ps.setString(2, request.id());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Requests stored but never on the bus (this bundle stopped between the two): sent now. The bus still
     * away ends the sweep, which says so once (OutageLog), instead of a warning for every request waiting.
     */
    void sweep() {
        List<AgentRequest> unasked = store.inTransaction(s -> list(s.connection(),
                "select * from flow_agent_request where status='" + AgentRequest.PENDING + "' and asked_at is null", List.of()));
        unasked.forEach(this::put);
    }

    /** A connector's answer: stored once, and on the customer's timeline. */
    void answer(SystemReply reply) {
        Optional<AgentRequest> found = store.inTransaction(s -> byId(s.connection(), reply.requestId()));
        if (found.isEmpty()) {
            LOG.warn("a reply to {} that is no agent request; dropped", reply.requestId());
            return;
        }
        AgentRequest request = found.get();
        Instant answeredAt = reply.answeredAt() == null ? clock.instant() : reply.answeredAt();
        int changed = store.inTransaction(s -> {
            try (PreparedStatement ps = s.connection().prepareStatement("update flow_agent_request set status=?, data=?,"
                    + " fault=?, answered_at=? where id=? and status=?")) {
                ps.setString(1, reply.status().name());
                ps.setString(2, json.toJson(reply.data()));
                ps.setString(3, shorten(reply.fault(), 4000));
                ps.setTimestamp(4, Timestamp.from(answeredAt));
                ps.setString(5, request.id());
                ps.setString(6, AgentRequest.PENDING);
                return ps.executeUpdate();
            }
        });
        if (changed == 0) {
            return;
        }
        Map<String, String> extra = new LinkedHashMap<>();
        reply.data().entrySet().stream().limit(50).forEach(e -> extra.put(e.getKey(), shorten(e.getValue(), 500)));
        extra.put("status", reply.status().name());
        timeline(request, "answered", summary(request, reply), null, extra);
    }

    /** What the timeline says: the answer in a line an agent reads at a glance. */
    static String summary(AgentRequest request, SystemReply reply) {
        String system = name(request.system());
        Map<String, String> d = reply.data();
        return switch (reply.status()) {
            case FAULT -> system + " " + request.operation() + " failed: " + reply.fault()
                    + (d.get("faultCode") == null ? "" : " (" + d.get("faultCode") + ")");
            case EXPIRED -> system + " " + request.operation() + " got no answer in time: " + reply.fault();
            case OK -> switch (request.operation()) {
                case "CreateOrder" -> system + " order " + d.get("number") + " created"
                        + (money(d).isEmpty() ? "" : " (" + money(d) + ")") + items(d);
                case "GetOrder" -> system + " order " + d.get("number") + (money(d).isEmpty() ? "" : ": " + money(d)) + items(d);
                case "FindOrders" -> system + ": " + d.getOrDefault("total", d.getOrDefault("count", "0")) + " orders"
                        + numbers(d);
                case "GetStock" -> system + " stock of " + d.get("sku") + (d.get("name") == null ? "" : " " + d.get("name"))
                        + ": " + d.get("available") + " available";
                default -> system + " " + request.operation() + " answered" + (d.isEmpty() ? "" : ": " + describe(d));
            };
        };
    }

    /** The request as the agent reads it, with its system's outage while it waits. */
    /** The request, if {@code who} may see its conversation (its answer carries the customer's data). */
    AgentRequest view(String id, Staff who) {
        AgentRequest request = store.inTransaction(s -> byId(s.connection(), id))
                .orElseThrow(() -> new NoSuchElementException("no system request " + id));
        desk.require(request.conversationId(), who, false);
        return withState(request);
    }

    List<AgentRequest> inConversation(String conversationId, int limit, Staff who) {
        desk.require(conversationId, who, false);
        List<AgentRequest> all = store.inTransaction(s -> list(s.connection(),
                "select * from flow_agent_request where conversation_id=? order by requested_at desc", List.of(conversationId)));
        return all.subList(0, Math.min(all.size(), Math.max(1, Math.min(limit, 500)))).stream().map(this::withState).toList();
    }

    private AgentRequest withState(AgentRequest request) {
        if (!AgentRequest.PENDING.equals(request.status())) {
            return request;
        }
        Optional<SystemStatus> state = systems.status(request.system());
        if (state.isPresent() && SystemStatus.DOWN.equals(state.get().state())) {
            return request.pending(SystemStatus.DOWN, request.system() + " unavailable since " + state.get().since()
                    + ", retrying" + (state.get().reason() == null ? "" : " (" + state.get().reason() + ")"));
        }
        return request.pending(SystemStatus.UP, "waiting for " + request.system() + "'s answer");
    }

    private void timeline(AgentRequest request, String step, String summary, String by, Map<String, String> extra) {
        if (request.customerId() == null) {
            return;
        }
        Map<String, String> data = new LinkedHashMap<>(extra);
        data.put("system", request.system());
        data.put("operation", request.operation());
        data.put("systemRequestId", request.id());
        // TimelineEntry has no kind for system calls; CONVERSATION is the nearest, as for the repair flow
        directory.record(new TimelineEntry("system-request-" + step + ":" + request.id(), request.customerId(),
                request.conversationId(), clock.instant(), TimelineEntry.Kind.CONVERSATION, null, null, by,
                shorten(summary, 2000), data));
    }

    private static Map<String, String> params(Map<String, String> params) {
        if (params == null) {
            return Map.of();
        }
        if (params.size() > MAX_PARAMS) {
            throw new IllegalArgumentException("at most " + MAX_PARAMS + " params");
        }
        Map<String, String> checked = new LinkedHashMap<>();
        params.forEach((k, v) -> {
            if (k == null || k.isBlank() || k.length() > 100) {
                throw new IllegalArgumentException("a param's name is 1 to 100 characters");
            }
            if (v != null && v.length() > 4000) {
                throw new IllegalArgumentException("param " + k + " is longer than 4000 characters");
            }
            if (v != null) {
                checked.put(k, v);
            }
        });
        return checked;
    }

    /** "ERP" for short names, "Billing" for others: how agents name them. */
    static String name(String system) {
        return system.length() <= 3 ? system.toUpperCase(java.util.Locale.ROOT)
                : Character.toUpperCase(system.charAt(0)) + system.substring(1);
    }

    private static String money(Map<String, String> d) {
        List<String> parts = new ArrayList<>();
        if (d.get("status") != null) {
            parts.add(d.get("status"));
        }
        if (d.get("total") != null) {
            parts.add((d.get("total") + " " + d.getOrDefault("currency", "")).trim());
        }
        return String.join(", ", parts);
    }

    private static String items(Map<String, String> d) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 3 && d.containsKey("item." + i + ".sku"); i++) {
            lines.add(d.getOrDefault("item." + i + ".name", d.get("item." + i + ".sku")) + " × "
                    + d.getOrDefault("item." + i + ".quantity", "?"));
        }
        if (lines.isEmpty()) {
            return "";
        }
        return ": " + String.join("，", lines) + (d.containsKey("item.3.sku") ? " …" : "");
    }

    private static String numbers(Map<String, String> d) {
        List<String> numbers = new ArrayList<>();
        for (int i = 0; i < 10 && d.containsKey("order." + i + ".number"); i++) {
            numbers.add(d.get("order." + i + ".number") + " (" + d.getOrDefault("order." + i + ".status", "?") + ")");
        }
        return numbers.isEmpty() ? "" : ": " + String.join(", ", numbers);
    }

    private static String describe(Map<String, String> values) {
        StringBuilder text = new StringBuilder();
        values.entrySet().stream().limit(20).forEach(e -> text.append(text.length() == 0 ? "" : ", ").append(e.getKey())
                .append('=').append(shorten(e.getValue(), 100)));
        return text.toString();
    }

    private Optional<AgentRequest> byId(Connection c, String id) throws SQLException {
        return list(c, "select * from flow_agent_request where id=?", List.of(id)).stream().findFirst();
    }

    private Optional<AgentRequest> byKey(Connection c, String key) throws SQLException {
        return list(c, "select * from flow_agent_request where idempotency_key=?", List.of(key)).stream().findFirst();
    }

    private List<AgentRequest> list(Connection c, String sql, List<Object> args) throws SQLException {
        List<AgentRequest> found = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(row(rs));
                }
            }
        }
        return found;
    }

    private AgentRequest row(ResultSet rs) throws SQLException {
        Timestamp answered = rs.getTimestamp("answered_at");
        String data = rs.getString("data");
        return new AgentRequest(rs.getString("id"), rs.getString("system_name"), rs.getString("operation"),
                rs.getString("status"), strings(rs.getString("params")), data == null ? null : strings(data),
                rs.getString("fault"), rs.getString("customer_id"), rs.getString("conversation_id"),
                rs.getString("requested_by"), rs.getTimestamp("requested_at").toInstant(),
                rs.getTimestamp("expires_at").toInstant(), answered == null ? null : answered.toInstant(), null, null);
    }

    private Map<String, String> strings(String text) {
        Map<String, String> map = new LinkedHashMap<>();
        Map<?, ?> stored = json.fromJson(text, Map.class);
        stored.forEach((k, v) -> map.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
        return map;
    }

    private static String shorten(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }
}
