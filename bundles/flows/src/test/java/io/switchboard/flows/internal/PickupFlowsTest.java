package io.switchboard.flows.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.BusAddress;
import io.switchboard.api.BusinessEvent;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.ChannelAddress;
import io.switchboard.api.Customer;
import io.switchboard.api.SystemReply;
import io.switchboard.api.SystemRequest;
import io.switchboard.bot.Dialogue;
import io.switchboard.bot.Turn;
import io.switchboard.bus.internal.ArtemisBus;
import io.switchboard.conversation.CustomerDirectory;
import io.switchboard.store.internal.JdbcStore;
import io.switchboard.testkit.TestBroker;
import io.switchboard.testkit.TestDatabase;
import io.switchboard.workorders.WorkOrder;
import io.switchboard.workorders.WorkOrderType;
import io.switchboard.workorders.WorkOrders;
import jakarta.jms.TextMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Flow 1 on a real broker and H2: the bot's pickup dialogue, the one work order and one request it
 * makes however often it is repeated, the courier company's answer, and its callbacks moving the
 * order; the work-order service is a recorder with the pickup type's real transitions.
 */
class PickupFlowsTest {

    static final WorkOrderType PICKUP = new WorkOrderType("pickup", "上门取件", List.of("new", "assigned", "en_route",
            "picked_up", "delivered", "closed", "cancelled"), "new",
            Map.of("new", Set.of("assigned", "cancelled"), "assigned", Set.of("en_route", "picked_up", "cancelled"),
                    "en_route", Set.of("picked_up", "cancelled"), "picked_up", Set.of("delivered", "cancelled"),
                    "delivered", Set.of("closed", "cancelled")), Set.of("closed", "cancelled"), Map.of(), 240, null, "closed", null);

    final CanonicalJson json = new CanonicalJson();
    final Map<String, WorkOrder> orders = new ConcurrentHashMap<>();
    final List<String> calls = new CopyOnWriteArrayList<>();
    TestBroker broker;
    TestDatabase db;
    ArtemisBus bus;
    JdbcStore store;
    PickupFlows pickups;
    LuggageSkill skill;

    @BeforeEach
    void start() {
        broker = TestBroker.start();
        db = database();
        bus = ArtemisBus.connect(broker.amqpUrl(), "test", "test");
        store = new JdbcStore(db.dataSource());
        store.migrate(FlowService.CHANGELOG, FlowService.class.getClassLoader());
        CustomerDirectory directory = Recorder.of(CustomerDirectory.class, (name, a) -> {
            if (name.equals("customer")) {
                return new Customer((String) a[0], "李雷", Customer.Tier.STANDARD, List.of(),
                        List.of(new ChannelAddress("wechat", "o-li")), "wechat");
            }
            throw new UnsupportedOperationException(name);
        });
        pickups = new PickupFlows(store, bus, Recorder.of(WorkOrders.class, this::workOrders), json, Clock.systemUTC(),
                new PickupFlows.Settings("couriers", Duration.ofMinutes(30)));
        skill = new LuggageSkill(pickups, directory, () -> new LuggageSkill.Settings(List.of("超大行李", "ship luggage"),
                LuggageTest.THRESHOLDS));
    }

    /** H2 here; {@link PickupFlowsPostgresTest} runs the same on PostgreSQL. */
    TestDatabase database() {
        return TestDatabase.h2();
    }

    @AfterEach
    void stop() {
        bus.deactivate();
        broker.close();
        db.close();
    }

    /** Work orders in memory, moving only as the pickup type allows. */
    Object workOrders(String name, Object[] a) {
        calls.add(name);
        switch (name) {
            case "create" -> {
                WorkOrder.Draft d = (WorkOrder.Draft) a[0];
                return orders.computeIfAbsent("wo-" + d.key(), id -> new WorkOrder(id, "WO-261123-00000" + (orders.size() + 1),
                        d.type(), "new", d.customerId(), d.conversationId(), d.title(), d.details(), d.requirements(), d.team(),
                        null, d.references(), null, false, null, (String) a[1], Instant.now(), Instant.now()));
            }
            case "workOrder" -> {
                return orders.values().stream().filter(w -> w.id().equals(a[0]) || w.number().equals(a[0])).findFirst()
                        .orElseThrow(() -> new NoSuchElementException("no work order " + a[0]));
            }
            case "types" -> {
                return List.of(PICKUP);
            }
            case "refer" -> {
                WorkOrder w = orders.get((String) a[0]);
                @SuppressWarnings("unchecked")
                Map<String, String> refs = new java.util.TreeMap<>((Map<String, String>) a[1]);
                refs.putAll(w.references());
                refs.putAll((Map<String, String>) a[1]);
                orders.put(w.id(), with(w, w.state(), refs));
                return orders.get(w.id());
            }
            case "transition" -> {
                WorkOrder w = orders.get((String) a[0]);
                if (!PICKUP.allows(w.state(), (String) a[1])) {
                    throw new IllegalStateException(w.state() + " to " + a[1]);
                }
                orders.put(w.id(), with(w, (String) a[1], w.references()));
                calls.add("transition:" + a[1] + ":" + a[3]);
                return orders.get(w.id());
            }
            case "note" -> {
                calls.add("note:" + a[1]);
                return null;
            }
            default -> throw new UnsupportedOperationException(name);
        }
    }

    static WorkOrder with(WorkOrder w, String state, Map<String, String> refs) {
        return new WorkOrder(w.id(), w.number(), w.type(), state, w.customerId(), w.conversationId(), w.title(), w.details(),
                w.requirements(), w.team(), w.assignee(), refs, w.dueAt(), w.escalated(), w.satisfaction(), w.createdBy(),
                w.createdAt(), Instant.now());
    }


    Dialogue dialogue = new Dialogue("conv-1", "c-1", new ChannelAddress("wechat", "o-li"), LuggageSkill.NAME, Map.of(), 0);

    Turn say(String text) {
        Turn turn = skill.next(dialogue, text);
        if (turn.outcome() == Turn.Outcome.ASK) {
            dialogue = new Dialogue(dialogue.conversationId(), dialogue.customerId(), dialogue.address(), dialogue.skill(),
                    turn.facts(), dialogue.turns() + 1);
        }
        return turn;
    }

    SystemRequest request(long timeoutMs) throws Exception {
        TextMessage m = TestBroker.receive(bus.connectionFactory(), BusAddress.systemRequest("logistics"), timeoutMs);
        return m == null ? null : json.fromJson(m.getText(), SystemRequest.class);
    }

    @Test
    void theBotTakesThePickupDownAndBooksItOnceWithAVanAndALargeBag() throws Exception {
        assertTrue(skill.opens(dialogue, "你好，我有一件超大行李想寄回老家"));
        assertTrue(say("你好，我有一件超大行李想寄回老家").say().contains("重量和尺寸"));
        assertTrue(say("很重").say().startsWith("抱歉，我没能看懂。"), "asked again");
        assertEquals("请告诉我上门取件的详细地址。", say("大概32公斤，120x80x50厘米").say());
        assertTrue(say("上海市浦东新区世纪大道100号").say().startsWith("希望什么时间上门"));
        assertEquals("请留一个快递员可以联系您的手机号。", say("明天下午 14:00-16:00").say());
        Turn summary = say("13800001111");
        assertTrue(summary.say().contains("快递员将携带：厢式货车和大号行李袋"), summary.say());
        assertTrue(summary.say().contains("上海市浦东新区世纪大道100号") && summary.say().contains("+8613800001111"), summary.say());

        Turn done = skill.next(dialogue, "确认");
        assertEquals(Turn.Outcome.DONE, done.outcome());
        WorkOrder w = orders.values().iterator().next();
        assertTrue(done.say().startsWith("已为您创建取件单 " + w.number()), done.say());
        assertEquals(List.of("需要厢式货车和大号行李袋 (needs a van and a large bag)"), w.requirements());
        assertEquals("couriers", w.team());
        assertTrue(w.details().contains("你好，我有一件超大行李想寄回老家"), w.details());

        SystemRequest asked = request(10_000);
        assertEquals("CreatePickup", asked.operation());
        assertEquals("pickup:" + w.id(), asked.id());
        assertEquals(PickupFlows.REPLIES, asked.replyTo());
        assertEquals(w.number(), asked.params().get("reference"));
        assertEquals("van", asked.params().get("vehicle"));
        assertEquals("large-bag", asked.params().get("packaging"));
        assertEquals("32", asked.params().get("weightKg"));
        assertEquals("120x80x50", asked.params().get("sizeCm"));
        assertEquals("李雷", asked.params().get("name"));

        // the same confirmation again (a redelivery): the same order, and the bus drops the request
        skill.next(dialogue, "确认");
        assertEquals(1, orders.size());
        assertNull(request(1_500));

        pickups.answer(new SystemReply(asked.id(), "logistics", "CreatePickup", SystemReply.Status.OK,
                Map.of("trackingNumber", "SF1400000001", "eta", "2026-11-24T14:00+08:00", "vehicle", "van",
                        "packaging", "large-bag"), null, Instant.now()));
        pickups.answer(new SystemReply(asked.id(), "logistics", "CreatePickup", SystemReply.Status.OK,
                Map.of("trackingNumber", "SF-other"), null, Instant.now()));
        assertEquals("SF1400000001", orders.get(w.id()).references().get("trackingNumber"));
        assertEquals(PickupFlows.BOOKED, pickups.pickup(w.id()).orElseThrow().state());
        assertEquals(1, calls.stream().filter(c -> c.startsWith("note:物流已受理")).count(), "one answer taken");
    }

    @Test
    void callbacksMoveTheOrderWhereItsTypeAllowsAndARefusalIsNoted() throws Exception {
        WorkOrder w = pickups.order(new PickupFlows.Order("k-2", "c-1", "conv-2", "韩梅梅", "+8613900002222", "钢琴凳",
                "8", "70x40x30", "北京市朝阳区建国路1号", "今天下午", Luggage.needs(new java.math.BigDecimal("8"), "70x40x30",
                LuggageTest.THRESHOLDS)));
        assertNotNull(request(10_000));
        pickups.answer(new SystemReply("pickup:" + w.id(), "logistics", "CreatePickup", SystemReply.Status.FAULT,
                Map.of("faultCode", "400"), "vehicle car cannot reach 建国路1号 before 18:00", Instant.now()));
        assertEquals(PickupFlows.FAILED, pickups.pickup(w.id()).orElseThrow().state());
        assertTrue(calls.contains("note:物流下单失败 Logistics refused the pickup: vehicle car cannot reach 建国路1号 before 18:00"));

        orders.put(w.id(), with(orders.get(w.id()), "assigned", Map.of()));
        pickups.follow(event("e1", "parcel.picked-up", w.number(), "张师傅"));
        assertEquals("picked_up", orders.get(w.id()).state());
        assertTrue(calls.contains("transition:picked_up:快递员 张师傅"), calls.toString());
        pickups.follow(event("e1", "parcel.picked-up", w.number(), "张师傅"));
        assertEquals(1, calls.stream().filter(c -> c.startsWith("transition:picked_up")).count(), "a step taken once");
        pickups.follow(event("e2", "parcel.delayed", w.number(), null));
        pickups.follow(event("e3", "parcel.delivered", "WO-nobody", null));
        assertEquals("picked_up", orders.get(w.id()).state());
        pickups.follow(event("e4", "parcel.delivered", w.number(), null));
        assertEquals("delivered", orders.get(w.id()).state());
    }

    static BusinessEvent event(String id, String type, String reference, String courier) {
        Map<String, String> data = new java.util.HashMap<>();
        data.put("reference", reference);
        data.put("tracking", "SF1");
        if (courier != null) {
            data.put("courier", courier);
        }
        return new BusinessEvent("logistics:" + id, type, "logistics", Instant.now(), data, List.of());
    }
}
