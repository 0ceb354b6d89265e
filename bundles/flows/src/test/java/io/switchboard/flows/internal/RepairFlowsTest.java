package io.switchboard.flows.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.DomainEvent;
import io.switchboard.api.SystemReply;
import io.switchboard.api.SystemRequest;
import io.switchboard.api.TimelineEntry;
import io.switchboard.bus.internal.ArtemisBus;
import io.switchboard.conversation.AgentDesk;
import io.switchboard.conversation.CustomerDirectory;
import io.switchboard.store.internal.JdbcStore;
import io.switchboard.testkit.TestBroker;
import io.switchboard.testkit.TestDatabase;
import io.switchboard.workorders.WorkOrder;
import io.switchboard.workorders.WorkOrders;
import jakarta.jms.TextMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The repair flow on a real broker and H2, with the conversation and work-order services as
 * recorders: the request billing gets, each answer's outcome, repeats that change nothing, and the
 * outage note from the systems' events.
 */
class RepairFlowsTest {

    record Push(String customerId, String text, String pushId) {
    }

    final CanonicalJson json = new CanonicalJson();
    final List<Push> pushes = new CopyOnWriteArrayList<>();
    final Map<String, TimelineEntry> timeline = new ConcurrentHashMap<>();
    final Map<String, WorkOrder.Draft> orders = new ConcurrentHashMap<>();
    TestBroker broker;
    TestDatabase db;
    ArtemisBus bus;
    JdbcStore store;
    Systems systems;
    RepairFlows flows;

    @BeforeEach
    void start() {
        broker = TestBroker.start();
        db = database();
        bus = ArtemisBus.connect(broker.amqpUrl(), "test", "test");
        store = new JdbcStore(db.dataSource());
        store.migrate(FlowService.CHANGELOG, FlowService.class.getClassLoader());
        AgentDesk desk = Recorder.of(AgentDesk.class, (name, a) -> {
            pushes.add(new Push((String) a[0], (String) a[2], (String) a[3]));
            return null;
        });
        CustomerDirectory directory = Recorder.of(CustomerDirectory.class, (name, a) -> {
            if (name.equals("customer")) {
                if ("unknown".equals(a[0])) {
                    throw new NoSuchElementException("no customer unknown");
                }
                return null;
            }
            TimelineEntry e = (TimelineEntry) a[0];
            timeline.putIfAbsent(e.id(), e);
            return null;
        });
        WorkOrders workOrders = Recorder.of(WorkOrders.class, (name, a) -> {
            WorkOrder.Draft d = (WorkOrder.Draft) a[0];
            orders.putIfAbsent(d.key(), d);
            return new WorkOrder("wo-" + d.key(), "WO-261123-000001", d.type(), "new", d.customerId(), d.conversationId(),
                    d.title(), d.details(), d.requirements(), d.team(), null, d.references(), null, false, null, "flows",
                    Instant.now(), Instant.now());
        });
        systems = new Systems(store);
        flows = new RepairFlows(store, bus, desk, directory, workOrders, systems, json, Clock.systemUTC(),
                new RepairFlows.Settings(Duration.ofMinutes(30), "账户 {account} 因欠费 ¥{arrears} 已于 {since} 停机", "field"));
    }

    /** H2 here; {@link RepairFlowsPostgresTest} runs the same on PostgreSQL. */
    TestDatabase database() {
        return TestDatabase.h2();
    }


    @AfterEach
    void stop() {
        bus.deactivate();
        broker.close();
        db.close();
    }

    RepairFlow begin(String account) {
        return flows.start(new RepairFlow.Start("c-1", "conv-1", account, "光猫红灯", "req-" + account), "agent-wang");
    }

    SystemReply ok(RepairFlow flow, Map<String, String> data) {
        return new SystemReply(flow.id(), "billing", "GetAccountStatus", SystemReply.Status.OK, data, null, Instant.now());
    }

    @Test
    void asksBillingOnceAndARepeatedStartIsTheSameFlow() throws Exception {
        RepairFlow flow = begin("A-1");
        assertEquals(RepairFlow.WAITING_FOR_BILLING, flow.state());
        assertEquals(flow.id(), begin("A-1").id());
        TextMessage m = TestBroker.receive(bus.connectionFactory(), BusAddress.systemRequest("billing"), 5_000);
        assertNotNull(m);
        SystemRequest request = json.fromJson(m.getText(), SystemRequest.class);
        assertEquals(flow.id(), request.id());
        assertEquals("sb.system.reply.flows", request.replyTo());
        assertEquals(Map.of("accountNumber", "A-1"), request.params());
        assertNotNull(request.expiresAt());
        assertTrue(timeline.get("flow-asked:" + flow.id()).summary().startsWith("Billing asked about account A-1"));
        assertThrows(IllegalArgumentException.class, () -> flows.start(new RepairFlow.Start("unknown", null, "A", "x", null), "a"));
        assertThrows(IllegalArgumentException.class, () -> flows.start(new RepairFlow.Start("c-1", null, null, "x", null), "a"));
    }

    @Test
    void anActiveAccountOpensOneRepairOrderKeyedByTheFlow() {
        RepairFlow flow = begin("A-2");
        SystemReply reply = ok(flow, Map.of("status", "ACTIVE", "balance", "10.00", "arrears", "0.00"));
        flows.answer(reply);
        flows.answer(reply);
        assertEquals(1, orders.size());
        WorkOrder.Draft draft = orders.get(flow.id());
        assertEquals("repair", draft.type());
        assertEquals("field", draft.team());
        assertEquals("A-2", draft.references().get("billingAccount"));
        RepairFlow done = flows.view(flow.id());
        assertEquals(RepairFlow.REPAIR_ORDERED, done.state());
        assertEquals("wo-" + flow.id(), done.workOrderId());
        assertEquals(List.of(), pushes);
    }

    @Test
    void aSuspendedAccountIsToldItsArrearsAndGetsNoTechnician() {
        RepairFlow flow = begin("A-3");
        flows.answer(ok(flow, Map.of("status", "SUSPENDED", "balance", "-86.50", "arrears", "86.50",
                "suspendedSince", "2026-11-20T02:00:00Z")));
        assertEquals(List.of(new Push("c-1", "账户 A-3 因欠费 ¥86.50 已于 2026-11-20 停机", flow.id())), pushes);
        assertEquals(Map.of(), orders);
        RepairFlow done = flows.view(flow.id());
        assertEquals(RepairFlow.ARREARS_TOLD, done.state());
        assertEquals("86.50", done.billing().get("arrears"));
    }

    @Test
    void billingsFaultFailsTheFlowWordForWord() {
        RepairFlow flow = begin("NOPE");
        flows.answer(new SystemReply(flow.id(), "billing", "GetAccountStatus", SystemReply.Status.FAULT, Map.of(),
                "Account NOPE not found", Instant.now()));
        RepairFlow failed = flows.view(flow.id());
        assertEquals(RepairFlow.FAILED, failed.state());
        assertEquals("Account NOPE not found", failed.billingFault());
        assertEquals("Billing answered with a fault: Account NOPE not found", timeline.get("flow-answered:" + flow.id()).summary());
    }

    @Test
    void whileBillingIsDownTheFlowSaysSince() {
        RepairFlow flow = begin("A-4");
        assertEquals("waiting for billing's answer", flows.view(flow.id()).note());
        systems.follow(new DomainEvent("e1", DomainEvent.SYSTEM_DOWN, Instant.now(), null, null,
                Map.of("system", "billing", "since", "2026-11-23T10:00:00Z", "reason", "connection refused")));
        assertEquals("billing unavailable since 2026-11-23T10:00:00Z, retrying (connection refused)", flows.view(flow.id()).note());
        assertEquals(SystemStatus.DOWN, systems.all().get(0).state());
        systems.follow(new DomainEvent("e2", DomainEvent.SYSTEM_UP, Instant.now().plusMillis(5), null, null,
                Map.of("system", "billing", "downFor", "60")));
        assertEquals(SystemStatus.UP, systems.status("billing").orElseThrow().state());
        assertEquals("waiting for billing's answer", flows.view(flow.id()).note());
    }
}
