package io.switchboard.kpis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Agent;
import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.ChannelAddress;
import io.switchboard.api.ContentPart;
import io.switchboard.api.Conversation;
import io.switchboard.api.ConversationState;
import io.switchboard.api.Customer;
import io.switchboard.api.Direction;
import io.switchboard.api.DomainEvent;
import io.switchboard.api.Ids;
import io.switchboard.api.Message;
import io.switchboard.api.TimelineEntry;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.bus.internal.ArtemisBus;
import io.switchboard.conversation.AgentDesk;
import io.switchboard.conversation.internal.RealCore;
import io.switchboard.store.internal.JdbcStore;
import io.switchboard.testkit.TestBroker;
import io.switchboard.testkit.TestClock;
import io.switchboard.testkit.TestDatabase;
import io.switchboard.workorders.WorkOrder;
import io.switchboard.workorders.WorkOrders;
import io.switchboard.workorders.internal.RealWorkOrders;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The KPI bundle on a real broker and a real database with the real conversation core and work-order
 * board: customers' SMS go through sb.inbound as on the server, the bundle's own durable queue on
 * sb.events takes the events, and alerts and notices come out on sb.outbound.*.
 */
class KpiFlowTest {

    static final String SUPERVISOR_PHONE = "+8613800000000";

    TestBroker broker;
    TestDatabase db;
    ArtemisBus bus;
    JdbcStore store;
    CamelContext camel;
    AgentDesk desk;
    WorkOrders workOrders;
    Clusters clusters;
    Scoreboard board;
    QueueMBeans mbeans;
    /** Real time plus a jump, for moving past the window without waiting for it. */
    final TestClock clock = TestClock.ticking();
    final CanonicalJson json = new CanonicalJson();
    final List<DomainEvent> events = new CopyOnWriteArrayList<>();
    Connection listening;

    final Scoreboard.Settings settings = new Scoreboard.Settings(
            new Readings.Settings(Duration.ofMinutes(10), Duration.ofSeconds(1)),
            new Watch.Targets(0.8, Map.of(), 5, 0.05),
            new Watch.Alerting(Watch.addresses("sms:" + SUPERVISOR_PHONE + ", email:ops@example.cn"),
                    "【告警】{queue} 服务水平 {value} 低于 {target}（{window} 分钟）", "【恢复】{queue} 服务水平回到 {value}"));
    final Clusters.Settings clustering = new Clusters.Settings(
            KpiService.list("断网, 没信号, 网络故障, no signal, outage"), KpiService.list("浦东, 徐汇"), 5,
            Duration.ofMinutes(30), "network", "network", "{area} 网络故障（{count} 位客户投诉）", "{area} 已修复（{number}）");

    TestDatabase database() {
        return TestDatabase.h2();
    }

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start();
        db = database();
        bus = ArtemisBus.connect(broker.amqpUrl(), "test", "test");
        store = new JdbcStore(db.dataSource());
        store.migrate(KpiService.CHANGELOG, KpiService.class.getClassLoader());
        desk = RealCore.desk(store, bus, json);
        workOrders = RealWorkOrders.board(store, bus, desk, shippedType("io.switchboard.workorder.type-network.cfg"));
        clusters = new Clusters(store, workOrders, desk, () -> clustering);
        board = new Scoreboard(store, new Watch(store, bus, json), () -> settings, clock);
        mbeans = new QueueMBeans(board::latest);
        listening = bus.connectionFactory().createConnection();
        Session session = listening.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = session.createConsumer(session.createTopic(BusAddress.EVENTS));
        consumer.setMessageListener(m -> {
            try {
                events.add(json.fromJson(((TextMessage) m).getText(), DomainEvent.class));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        listening.start();
        camel = new DefaultCamelContext();
        camel.addComponent("bus", BundleRoutes.busComponent(bus));
        camel.addComponent("bus-batch", BundleRoutes.batchComponent(bus));
        camel.addRoutes(RealCore.inbound(store, bus, json));
        // refreshes are the test's to make: the timer's first would come in an hour
        camel.addRoutes(KpiService.routes(json, board, clusters, mbeans, 3_600_000L));
        camel.start();
        // the test broker has no etc/artemis.xml declaring sb.events.kpis: the queue exists once the
        // route's listener (started in the background) has attached, and events before that are lost
        Thread.sleep(3000);
    }

    @AfterEach
    void stop() throws Exception {
        camel.stop();
        mbeans.close();
        listening.close();
        bus.deactivate();
        broker.close();
        db.close();
    }

    /** The work-order type exactly as the distribution ships it. */
    static Map<String, String> shippedType(String file) throws Exception {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of("../../karaf-distro/src/main/resources/etc", file),
                StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<String, String> config = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> config.put(k, p.getProperty(k)));
        return config;
    }

    void sms(String phone, String text) {
        Message m = new Message(Ids.newId(), "smsc-" + Ids.newId(), Direction.INBOUND, new ChannelAddress("sms", phone),
                null, null, null, Instant.now().truncatedTo(ChronoUnit.MICROS), List.of(ContentPart.text(text)), Map.of());
        bus.send(BusAddress.INBOUND, json.toJson(m), Map.of(BusAddress.DUPLICATE_ID, m.deduplicationId(),
                BusAddress.GROUP_ID, m.address().toString()));
    }

    static <T> T await(Supplier<T> probe) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            T value = probe.get();
            if (value != null && !Boolean.FALSE.equals(value)) {
                return value;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("condition not met in 30 s");
    }

    List<DomainEvent> events(String type) {
        return events.stream().filter(e -> e.type().equals(type)).toList();
    }

    Message outbound(String channel, long timeoutMs) throws Exception {
        TextMessage m = TestBroker.receive(bus.connectionFactory(), BusAddress.outbound(channel), timeoutMs);
        return m == null ? null : json.fromJson(m.getText(), Message.class);
    }

    /** The next message to {@code address}, passing over those to others (an agent's reply to a customer). */
    Message outboundTo(String channel, String address, long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            Message m = outbound(channel, Math.max(1, deadline - System.currentTimeMillis()));
            if (m != null && m.address().address().equals(address)) {
                return m;
            }
        }
        return null;
    }

    Message outboundTo(String channel, String address) throws Exception {
        return outboundTo(channel, address, 10_000);
    }

    Scoreboard.QueueKpis queue(Scoreboard.Kpis kpis, String name) {
        return kpis.queues().stream().filter(q -> q.queue().equals(name)).findFirst().orElse(null);
    }

    @Test
    void aQueueBelowTargetIsAnnouncedOnceAlertedAndRecoversWithHysteresis() throws Exception {
        store.inTransaction(s -> {
            s.agents().save(new Agent("rita", "丽塔", Map.of(), Map.of("*", 3), null, Agent.Workplace.REMOTE));
            s.agents().presence("rita", Agent.Presence.AVAILABLE, Instant.now());
            return null;
        });
        for (int i = 0; i < 6; i++) {
            sms("+861390000000" + i, "你好，我想问一下账单 " + i);
        }
        List<Conversation> queued = await(() -> {
            List<Conversation> q = desk.inState(ConversationState.QUEUED, 100);
            return q.size() == 6 ? q : null;
        });

        Scoreboard.Kpis early = board.refresh();
        Scoreboard.QueueKpis general = queue(early, Queues.GENERAL);
        assertEquals(6, general.waiting());
        assertNull(general.serviceLevel(), "nobody has waited the 1 s target yet: nothing counts");
        assertFalse(general.breached());
        assertEquals(1, early.agentsAvailable().get("REMOTE"));
        assertEquals(0, early.agentsAvailable().get("CENTRE"));

        // one is answered late, the rest wait past the target
        Thread.sleep(1_300);
        desk.accept(queued.get(0).id(), "rita");
        desk.reply(queued.get(0).id(), "rita", "您好，我来帮您查。", null);
        Scoreboard.Kpis breached = board.refresh();
        general = queue(breached, Queues.GENERAL);
        assertEquals(5, general.waiting());
        assertEquals(6, general.counted());
        assertEquals(0.0, general.serviceLevel());
        assertEquals(1, general.answered());
        assertTrue(general.averageSpeedOfAnswerSeconds() >= 1.0, general.toString());
        assertTrue(general.longestWaitSeconds() >= 1, general.toString());
        assertTrue(general.breached());
        assertEquals(List.of(Queues.GENERAL), breached.breaches().stream().map(Scoreboard.Breach::queue).toList());

        DomainEvent event = await(() -> events(Watch.BREACHED).isEmpty() ? null : events(Watch.BREACHED).get(0));
        assertEquals(Map.of("queue", "general", "kpi", "serviceLevel", "value", "0.0", "target", "0.8", "window", "PT10M"),
                event.data());
        Message sms = outboundTo("sms", SUPERVISOR_PHONE);
        assertNotNull(sms, "the supervisor's SMS alert");
        assertEquals(SUPERVISOR_PHONE, sms.address().address());
        assertEquals("【告警】general 服务水平 0% 低于 80%（10 分钟）", sms.text());
        assertEquals(Direction.OUTBOUND, sms.direction());
        assertNotNull(outbound("email", 10_000), "the supervisor's mail alert");

        // JMX shows the same snapshot
        mbeans.cover(breached);
        var name = QueueMBeans.name(Queues.GENERAL);
        var server = ManagementFactory.getPlatformMBeanServer();
        assertEquals(true, server.getAttribute(name, "Breached"));
        assertEquals(0.0, server.getAttribute(name, "ServiceLevel"));
        assertEquals(5, server.getAttribute(name, "Waiting"));

        // once: neither another refresh nor a restarted bundle announces it again
        board.refresh();
        new Scoreboard(store, new Watch(store, bus, json), () -> settings, clock).refresh();
        Thread.sleep(500);
        assertEquals(1, events(Watch.BREACHED).size());
        assertNull(outboundTo("sms", SUPERVISOR_PHONE, 500), "no second alert");

        // a few answered in time do not lift 1 of 7 above the target: still breached, nothing said
        for (Conversation c : queued.subList(1, 6)) {
            desk.accept(c.id(), "rita");
            desk.close(c.id(), "rita");
        }
        Scoreboard.Kpis closed = board.refresh();
        assertTrue(queue(closed, Queues.GENERAL).breached());
        assertEquals(5, queue(closed, Queues.GENERAL).abandoned(), "closed without an answer");

        // the window moves past them all: nothing counts and nothing waits, the queue has recovered
        clock.advance(Duration.ofMinutes(11));
        Scoreboard.Kpis later = board.refresh();
        assertTrue(later.breaches().isEmpty());
        DomainEvent recovered = await(() -> events(Watch.RECOVERED).isEmpty() ? null : events(Watch.RECOVERED).get(0));
        assertEquals("general", recovered.data().get("queue"));
        assertEquals("【恢复】general 服务水平回到 -", outboundTo("sms", SUPERVISOR_PHONE).text());
    }

    @Test
    void aSpikeOfComplaintsAboutOneAreaBecomesOneNetworkWorkOrder() throws Exception {
        // one complainant names no area: their profile's area tag says where they are
        String tagged = store.inTransaction(s -> {
            Customer c = s.customers().forAddress(new ChannelAddress("sms", "+8613700000099"), "张先生");
            s.customers().update(new Customer(c.id(), c.name(), c.tier(), List.of("area:浦东"), c.addresses(), null));
            return c.id();
        });
        sms("+8613700000099", "家里没信号了！");
        for (int i = 0; i < 19; i++) {
            sms(String.format("+86137000000%02d", i), "浦东这边又断网了，什么时候能修好？" + i);
        }
        sms("+8613600000001", "浦东的营业厅几点开门？");
        sms("+8613600000002", "徐汇网络故障");
        sms("+8613600000003", "徐汇 no signal since noon");

        Clusters.Incident incident;
        try {
            incident = await(() -> {
                List<Clusters.Incident> open = clusters.incidents(true);
                return open.size() == 1 && open.get(0).complaints() == 20 ? open.get(0) : null;
            });
        } catch (AssertionError e) {
            throw new AssertionError("incidents " + clusters.incidents(false) + ", complaints "
                    + store.inTransaction(s -> {
                        try (var ps = s.connection().prepareStatement("SELECT area, incident_id FROM kpi_complaint");
                             var rs = ps.executeQuery()) {
                            List<String> all = new ArrayList<>();
                            while (rs.next()) {
                                all.add(rs.getString(1) + "/" + rs.getString(2));
                            }
                            return all;
                        }
                    }) + ", events " + events.stream().map(DomainEvent::type).toList()
                    + ", DLQ " + broker.messageCount("DLQ." + BusAddress.EVENTS), e);
        }
        assertEquals("浦东", incident.area());
        List<WorkOrder> orders = workOrders.list(null, null, null, null, 100);
        assertEquals(1, orders.size(), "one order, not twenty: " + orders);
        WorkOrder order = orders.get(0);
        assertEquals("network", order.type());
        assertEquals("network", order.team());
        assertEquals(incident.workOrderId(), order.id());
        assertEquals("浦东", order.references().get("area"));
        assertTrue(order.title().startsWith("浦东 网络故障"), order.title());
        assertTrue(clusters.incidents(false).stream().noneMatch(i -> i.area().equals("徐汇")), "2 of 5 about 徐汇");

        // each complainant's timeline says so, once
        List<String> complainants = store.inTransaction(s -> {
            List<String> ids = new ArrayList<>();
            try (var ps = s.connection().prepareStatement("SELECT customer_id FROM kpi_complaint WHERE incident_id = ?")) {
                ps.setString(1, order.id());
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            return ids;
        });
        assertEquals(20, new TreeSet<>(complainants).size());
        assertTrue(complainants.contains(tagged));
        for (String customer : complainants) {
            assertEquals(1, linkedEntries(customer).size(), customer);
            assertEquals("linked to network incident " + order.number(), linkedEntries(customer).get(0).summary());
        }

        // a redelivered event changes nothing
        String someone = complainants.get(7);
        String messageId = store.inTransaction(s -> {
            try (var ps = s.connection().prepareStatement("SELECT message_id FROM kpi_complaint WHERE customer_id = ?")) {
                ps.setString(1, someone);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        });
        bus.publish(BusAddress.EVENTS, json.toJson(new DomainEvent("again:" + Ids.newId(), DomainEvent.MESSAGE_RECEIVED,
                Instant.now(), null, someone, Map.of("messageId", messageId, "channel", "sms"))), Map.of());
        sms("+8613500000001", "浦东断网第二十一位"); // a later complaint joins the open incident
        await(() -> clusters.incidents(true).get(0).complaints() == 21);
        assertEquals(1, linkedEntries(someone).size());
        assertEquals(1, workOrders.list(null, null, null, null, 100).size());

        // every step with a notice, and the close, reaches each linked customer once
        drain("sms");
        workOrders.transition(order.id(), "investigating", "noc", null, Map.of());
        workOrders.transition(order.id(), "resolved", "noc", "光缆已熔接", Map.of());
        workOrders.transition(order.id(), "closed", "noc", null, Map.of());
        Map<String, List<String>> told = new TreeMap<>();
        long deadline = System.currentTimeMillis() + 30_000;
        while (told.values().stream().mapToInt(List::size).sum() < 42 && System.currentTimeMillis() < deadline) {
            Message m = outbound("sms", 1_000);
            if (m != null) {
                told.computeIfAbsent(m.address().address(), k -> new ArrayList<>()).add(m.text());
            }
        }
        assertEquals(21, told.size(), told.toString());
        for (List<String> texts : told.values()) {
            assertEquals(List.of("我们已确认您所在区域的网络故障（" + order.number() + "），工程师正在排查，修复后会第一时间通知您。",
                    "您所在区域的网络故障已修复（" + order.number() + "）。给您带来不便，敬请谅解！"), texts);
        }
        assertNull(outbound("sms", 1_000), "nobody told twice");
        await(() -> clusters.incidents(true).isEmpty());

        // closed: the next complaint starts a new count instead of joining it
        sms("+8613500000002", "浦东又断网了");
        Thread.sleep(1_000);
        assertTrue(clusters.incidents(true).isEmpty());
        assertEquals(1, workOrders.list(null, null, null, null, 100).size());
    }

    void drain(String channel) throws Exception {
        while (outbound(channel, 300) != null) {
            // notices of earlier steps
        }
    }

    List<TimelineEntry> linkedEntries(String customerId) {
        return store.inTransaction(s -> s.timeline().page(customerId, null, 100).entries().stream()
                .filter(e -> e.summary() != null && e.summary().startsWith("linked to network incident")).toList());
    }
}
