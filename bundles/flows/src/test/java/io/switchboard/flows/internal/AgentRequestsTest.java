package io.switchboard.flows.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.ChannelAddress;
import io.switchboard.api.Conversation;
import io.switchboard.api.ConversationState;
import io.switchboard.api.DomainEvent;
import io.switchboard.api.Roles;
import io.switchboard.api.Staff;
import io.switchboard.api.SystemReply;
import io.switchboard.api.SystemRequest;
import io.switchboard.api.TimelineEntry;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.bus.Bus;
import io.switchboard.bus.BusUnavailableException;
import io.switchboard.bus.internal.ArtemisBus;
import io.switchboard.conversation.AgentDesk;
import io.switchboard.conversation.CustomerDirectory;
import io.switchboard.store.internal.JdbcStore;
import io.switchboard.testkit.TestBroker;
import io.switchboard.testkit.TestDatabase;
import jakarta.jms.TextMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Agents' requests to systems on a real broker and H2, the conversation service as a recorder: the
 * request the connector gets, idempotency, answers stored once and put on the customer's timeline,
 * the system's outage on a pending request, the reply route, and a request the bus did not take.
 */
class AgentRequestsTest {

    static final Staff WANG = new Staff("agent-wang", Set.of(Roles.AGENT));
    static final Staff LIN = new Staff("lin", Set.of(Roles.SUPERVISOR));

    final CanonicalJson json = new CanonicalJson();
    final Map<String, TimelineEntry> timeline = new ConcurrentHashMap<>();
    TestBroker broker;
    TestDatabase db;
    ArtemisBus bus;
    JdbcStore store;
    Systems systems;
    AgentDesk desk;
    CustomerDirectory directory;
    AgentRequests requests;

    @BeforeEach
    void start() {
        broker = TestBroker.start();
        db = database();
        bus = ArtemisBus.connect(broker.amqpUrl(), "test", "test");
        store = new JdbcStore(db.dataSource());
        store.migrate(FlowService.CHANGELOG, FlowService.class.getClassLoader());
        store.migrate(AgentRequests.CHANGELOG, FlowService.class.getClassLoader());
        desk = Recorder.of(AgentDesk.class, (name, a) -> {
            if (!"conv-1".equals(a[0])) {
                throw new NoSuchElementException("no conversation " + a[0]);
            }
            return new Conversation("conv-1", "c-1", new ChannelAddress("webchat", "v-1"), ConversationState.ASSIGNED,
                    List.of(), 0, "agent-wang", Instant.now(), Instant.now(), null, null, null);
        });
        directory = Recorder.of(CustomerDirectory.class, (name, a) -> {
            TimelineEntry e = (TimelineEntry) a[0];
            timeline.putIfAbsent(e.id(), e);
            return null;
        });
        systems = new Systems(store);
        requests = new AgentRequests(store, bus, desk, directory, systems, json, Clock.systemUTC());
    }

    /** H2 here; {@link AgentRequestsPostgresTest} runs the same on PostgreSQL. */
    TestDatabase database() {
        return TestDatabase.h2();
    }


    @AfterEach
    void stop() {
        bus.deactivate();
        broker.close();
        db.close();
    }

    static AgentRequest.New order() {
        return new AgentRequest.New("CreateOrder", Map.of("name", "王小明", "address", "北京市朝阳区建国路 88 号",
                "item.0.sku", "KETTLE-17", "item.0.quantity", "2"), "conv-1", null);
    }

    SystemReply ok(AgentRequest r, Map<String, String> data) {
        return new SystemReply(r.id(), "erp", r.operation(), SystemReply.Status.OK, data, null, Instant.now());
    }

    @Test
    void aRequestGoesToTheSystemOnceAndAnIdempotencyKeyReturnsIt() throws Exception {
        AgentRequests.Submitted first = requests.submit("erp", order(), "key-1", WANG);
        assertTrue(first.created());
        AgentRequest request = first.request();
        assertEquals(AgentRequest.PENDING, request.status());
        assertEquals("c-1", request.customerId());
        assertEquals("waiting for erp's answer", request.note());
        AgentRequests.Submitted again = requests.submit("erp", order(), "key-1", WANG);
        assertFalse(again.created());
        assertEquals(request.id(), again.request().id());

        TextMessage m = TestBroker.receive(bus.connectionFactory(), BusAddress.systemRequest("erp"), 5_000);
        SystemRequest sent = json.fromJson(m.getText(), SystemRequest.class);
        assertEquals(request.id(), sent.id());
        assertEquals("CreateOrder", sent.operation());
        assertEquals("王小明", sent.params().get("name"));
        assertEquals("sb.system.reply.flows-agents", sent.replyTo());
        assertEquals("conv-1", sent.conversationId());
        assertEquals("c-1", sent.customerId());
        assertNotNull(sent.expiresAt());
        assertNull(TestBroker.receive(bus.connectionFactory(), BusAddress.systemRequest("erp"), 500), "sent once");
        assertTrue(timeline.get("system-request-asked:" + request.id()).summary().startsWith("ERP asked: CreateOrder"));

        assertThrows(IllegalStateException.class, () -> requests.submit("billing", order(), "key-1", WANG));
        assertThrows(IllegalArgumentException.class, () -> requests.submit("ERP!", order(), null, WANG));
        assertThrows(IllegalArgumentException.class, () -> requests.submit("erp", new AgentRequest.New("CreateOrder", Map.of(),
                "conv-unknown", null), null, WANG));
        assertThrows(IllegalArgumentException.class, () -> requests.submit("erp", new AgentRequest.New(null, Map.of(), "conv-1",
                null), null, WANG));
    }

    @Test
    void aRefundNeedsASupervisorAndNoIdempotencyKeyGoesRoundIt() throws Exception {
        AgentRequest.New refund = new AgentRequest.New("Refund", Map.of("pnr", "HX7K2P"), "conv-1", null);
        SecurityException refused = assertThrows(SecurityException.class, () -> requests.submit("booking", refund, "key-r", WANG));
        assertTrue(refused.getMessage().contains("needs a supervisor"), refused.getMessage());
        assertNull(TestBroker.receive(bus.connectionFactory(), BusAddress.systemRequest("booking"), 500), "nothing asked");

        assertTrue(requests.submit("booking", refund, "key-r", LIN).created(), "a supervisor may");
        assertThrows(SecurityException.class, () -> requests.submit("booking", refund, "key-r", WANG),
                "the supervisor's key does not let the agent repeat it");
        assertTrue(new AgentRequests(store, bus, desk, directory, systems, json, java.time.Clock.systemUTC(), Set.of())
                .submit("booking", refund, "key-r2", WANG).created(), "unless configured otherwise");
    }

    @Test
    void anAnswerIsStoredOnceAndGoesOnTheTimeline() {
        AgentRequest request = requests.submit("erp", order(), null, WANG).request();
        SystemReply reply = ok(request, Map.of("number", "10023", "status", "CONFIRMED", "total", "398.00", "currency", "CNY",
                "item.0.sku", "KETTLE-17", "item.0.name", "电热水壶 1.7L", "item.0.quantity", "2"));
        requests.answer(reply);
        requests.answer(new SystemReply(request.id(), "erp", "CreateOrder", SystemReply.Status.FAULT, Map.of(), "late",
                Instant.now()));
        AgentRequest done = requests.view(request.id(), WANG);
        assertEquals("OK", done.status());
        assertEquals("10023", done.data().get("number"));
        assertNotNull(done.answeredAt());
        assertNull(done.note());
        TimelineEntry entry = timeline.get("system-request-answered:" + request.id());
        assertEquals("ERP order 10023 created (CONFIRMED, 398.00 CNY): 电热水壶 1.7L × 2", entry.summary());
        assertEquals("conv-1", entry.conversationId());
        assertEquals("c-1", entry.customerId());
        assertEquals("10023", entry.data().get("number"));
        assertEquals(List.of(done.id()), requests.inConversation("conv-1", 10, WANG).stream().map(AgentRequest::id).toList());
    }

    @Test
    void aFaultIsShownWordForWord() {
        AgentRequest request = requests.submit("erp", order(), null, WANG).request();
        requests.answer(new SystemReply(request.id(), "erp", "CreateOrder", SystemReply.Status.FAULT,
                Map.of("faultCode", "OUT_OF_STOCK"), "商品 电热水壶 1.7L（KETTLE-17）库存不足：需要 2，可用 1", Instant.now()));
        AgentRequest failed = requests.view(request.id(), WANG);
        assertEquals("FAULT", failed.status());
        assertEquals("OUT_OF_STOCK", failed.data().get("faultCode"));
        assertEquals("ERP CreateOrder failed: 商品 电热水壶 1.7L（KETTLE-17）库存不足：需要 2，可用 1 (OUT_OF_STOCK)",
                timeline.get("system-request-answered:" + request.id()).summary());
    }

    @Test
    void whileTheSystemIsDownAPendingRequestSaysSo() {
        AgentRequest request = requests.submit("erp", order(), null, WANG).request();
        systems.follow(new DomainEvent("e1", DomainEvent.SYSTEM_DOWN, Instant.now(), null, null,
                Map.of("system", "erp", "since", "2026-11-23T10:00:00Z", "reason", "connection refused")));
        AgentRequest waiting = requests.view(request.id(), WANG);
        assertEquals(AgentRequest.PENDING, waiting.status());
        assertEquals(SystemStatus.DOWN, waiting.systemState());
        assertEquals("erp unavailable since 2026-11-23T10:00:00Z, retrying (connection refused)", waiting.note());
    }

    @Test
    void theReplyQueueAnswersARequestThatSurvivedARestart() throws Exception {
        AgentRequest request = requests.submit("erp", order(), null, WANG).request();
        // the bundle restarts: a new instance over the same database and queue
        AgentRequests restarted = new AgentRequests(store, bus, desk, directory, systems, json, Clock.systemUTC());
        CamelContext camel = new DefaultCamelContext();
        camel.addComponent("bus", BundleRoutes.busComponent(bus));
        camel.addRoutes(restarted.routes(Duration.ofSeconds(60)));
        camel.start();
        try {
            bus.send(AgentRequests.REPLIES, json.toJson(ok(request, Map.of("number", "10024"))),
                    Map.of(BusAddress.DUPLICATE_ID, "reply:" + request.id()));
            // the answer is stored, then written on the timeline: wait for both, not only the first
            long end = System.currentTimeMillis() + 10_000;
            while ((AgentRequest.PENDING.equals(restarted.view(request.id(), WANG).status())
                    || timeline.get("system-request-answered:" + request.id()) == null) && System.currentTimeMillis() < end) {
                Thread.sleep(50);
            }
            assertEquals("OK", restarted.view(request.id(), WANG).status());
            assertNotNull(timeline.get("system-request-answered:" + request.id()), "the answer never reached the timeline");
            assertEquals("ERP order 10024 created", timeline.get("system-request-answered:" + request.id()).summary());
        } finally {
            camel.stop();
        }
    }

    @Test
    void aRequestTheBusDidNotTakeIsNotStoredAndOneStoredButNeverSentIsSentByTheSweep() throws Exception {
        Bus away = Recorder.of(Bus.class, (name, a) -> {
            throw new BusUnavailableException("broker away", null);
        });
        AgentRequests offline = new AgentRequests(store, away, desk, directory, systems, json, Clock.systemUTC());
        assertThrows(BusUnavailableException.class, () -> offline.submit("erp", order(), "key-2", WANG));
        assertEquals(List.of(), requests.inConversation("conv-1", 10, WANG), "nothing asked, nothing kept: the agent posts again");
        assertTrue(timeline.isEmpty());

        // the bundle stopped between storing a request and sending it
        store.inTransaction(s -> {
            try (var ps = s.connection().prepareStatement("insert into flow_agent_request (id, system_name, operation, params,"
                    + " customer_id, conversation_id, requested_by, status, requested_at, expires_at)"
                    + " values ('r-crash','erp','GetStock','{\"sku\":\"KETTLE-17\"}','c-1','conv-1','agent-wang','PENDING',?,?)")) {
                ps.setTimestamp(1, java.sql.Timestamp.from(Instant.now()));
                ps.setTimestamp(2, java.sql.Timestamp.from(Instant.now().plusSeconds(600)));
                ps.executeUpdate();
            }
            return null;
        });
        // the bus still away: the sweep ends with the outage, for its OutageLog to say once, not a line per request
        assertThrows(BusUnavailableException.class, offline::sweep);
        requests.sweep();
        TextMessage m = TestBroker.receive(bus.connectionFactory(), BusAddress.systemRequest("erp"), 5_000);
        SystemRequest sent = json.fromJson(m.getText(), SystemRequest.class);
        assertEquals("r-crash", sent.id());
        assertEquals(Map.of("sku", "KETTLE-17"), sent.params());
        requests.sweep();
        assertNull(TestBroker.receive(bus.connectionFactory(), BusAddress.systemRequest("erp"), 300), "sent once");
    }
}
