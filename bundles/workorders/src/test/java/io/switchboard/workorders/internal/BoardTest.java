package io.switchboard.workorders.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.CanonicalJson;
import io.switchboard.api.ChannelAddress;
import io.switchboard.api.ContentPart;
import io.switchboard.api.Conversation;
import io.switchboard.api.ConversationState;
import io.switchboard.api.Customer;
import io.switchboard.api.Direction;
import io.switchboard.api.Ids;
import io.switchboard.api.Message;
import io.switchboard.api.TimelineEntry;
import io.switchboard.bus.internal.ArtemisBus;
import io.switchboard.store.internal.JdbcStore;
import io.switchboard.testkit.TestBroker;
import io.switchboard.testkit.TestDatabase;
import io.switchboard.workorders.WorkOrder;
import io.switchboard.workorders.WorkOrderChange;
import io.switchboard.workorders.WorkOrderType;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Work orders over a real broker and a real (H2) database; pushes to customers are recorded, not sent. */
class BoardTest {

    static final Map<String, String> PICKUP = Map.of(
            "name", "pickup",
            "title", "上门取件",
            "states", "new, assigned, en_route, picked_up, delivered, closed, cancelled",
            "transitions", "new>assigned, assigned>en_route, en_route>picked_up, picked_up>delivered, delivered>closed, *>cancelled",
            "terminal", "closed, cancelled",
            "notify.assigned", "您的取件单 {number} 已安排快递员 {assignee}。",
            "notify.en_route", "快递员已出发，预计 {eta} 到达 🚐",
            "dueMinutes", "240",
            "escalateTo", "logistics-supervisors",
            "surveyText", "请为本次服务打分：回复 1-5");

    record Push(String customerId, String text, String pushId, String reason) {
    }

    TestBroker broker;
    TestDatabase db;
    ArtemisBus bus;
    JdbcStore store;
    Board board;
    final List<Push> pushes = new CopyOnWriteArrayList<>();
    Customer customer;
    Conversation conversation;

    @BeforeEach
    void start() {
        broker = TestBroker.start();
        db = database();
        bus = ArtemisBus.connect(broker.amqpUrl(), "test", "test");
        store = new JdbcStore(db.dataSource());
        store.migrate(Ledger.CHANGELOG, Board.class.getClassLoader());
        WorkOrderType pickup = TypeDefinition.parse(PICKUP);
        io.switchboard.conversation.AgentDesk desk = (io.switchboard.conversation.AgentDesk) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {io.switchboard.conversation.AgentDesk.class}, (p, m, a) -> {
                    if (m.getName().equals("push")) {
                        pushes.add(new Push((String) a[0], (String) a[2], (String) a[3], (String) a[4]));
                        return null;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
        board = new Board(store, bus, desk, new CanonicalJson(), () -> Map.of("pickup", pickup), Duration.ofDays(7));
        ChannelAddress wechat = new ChannelAddress("wechat", "oCustomer1");
        customer = store.inTransaction(s -> s.customers().forAddress(wechat, "王女士"));
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        conversation = new Conversation(Ids.newId(), customer.id(), wechat, ConversationState.ASSIGNED, List.of(), 0,
                "alice", now, now, null, null, null);
        store.inTransaction(s -> {
            s.conversations().create(conversation);
            return null;
        });
    }

    TestDatabase database() {
        return TestDatabase.h2();
    }

    @AfterEach
    void stop() {
        bus.deactivate();
        broker.close();
        db.close();
    }

    WorkOrder luggage() {
        return board.create(new WorkOrder.Draft("pickup", customer.id(), conversation.id(), "超大行李上门取件",
                "两件行李，其中一件 50 公斤", List.of("needs a van", "large bag"), "logistics", null,
                Map.of("tracking", "SF1234567890"), null, null), "alice");
    }

    @Test
    void aPickupGoesThroughItsStatesTellingTheCustomerAtEachVisibleStep() {
        WorkOrder w = luggage();
        assertEquals("new", w.state());
        assertTrue(w.number().matches("WO-\\d{6}-[0-9A-F]{6}"), w.number());
        assertEquals(List.of("needs a van", "large bag"), w.requirements());
        assertEquals("SF1234567890", w.references().get("tracking"));
        assertTrue(w.dueAt().isAfter(Instant.now().plus(Duration.ofMinutes(239))));
        assertTrue(pushes.isEmpty(), "the customer is not told of an internal state");

        board.assign(w.id(), "logistics", "courier-li", "dispatcher");
        board.transition(w.number(), "assigned", "dispatcher", null, Map.of());
        assertEquals("您的取件单 " + w.number() + " 已安排快递员 courier-li。", pushes.get(0).text());
        assertEquals(customer.id(), pushes.get(0).customerId());
        IllegalStateException skipped = assertThrows(IllegalStateException.class,
                () -> board.transition(w.id(), "delivered", "courier-li", null, Map.of()));
        assertTrue(skipped.getMessage().contains("cannot go from assigned to delivered"), skipped.getMessage());

        board.transition(w.id(), "en_route", "courier-li", "带了货车", Map.of("eta", "14:30"));
        assertEquals("快递员已出发，预计 14:30 到达 🚐", pushes.get(1).text());
        assertEquals(2, pushes.size());

        List<WorkOrderChange> history = board.history(w.id());
        assertEquals(List.of(WorkOrderChange.Kind.CREATED, WorkOrderChange.Kind.ASSIGNED, WorkOrderChange.Kind.STATE,
                WorkOrderChange.Kind.STATE), history.stream().map(WorkOrderChange::kind).toList());
        assertEquals("带了货车", history.get(3).note());
        List<TimelineEntry> timeline = store.inTransaction(s -> s.timeline().page(customer.id(), null, 50)).entries()
                .stream().filter(e -> e.kind() == TimelineEntry.Kind.WORK_ORDER).toList();
        assertEquals(4, timeline.size());
        assertEquals("Work order " + w.number() + ": assigned → en_route (带了货车)", timeline.get(0).summary());
        assertEquals(w.id(), timeline.get(0).data().get("workOrderId"));
    }

    @Test
    void closingSendsTheSurveyAndTheCustomersAnswerIsTheScore() {
        WorkOrder w = luggage();
        for (String to : List.of("assigned", "en_route", "picked_up", "delivered", "closed")) {
            board.transition(w.id(), to, "courier-li", null, Map.of("eta", "15:00"));
        }
        Push survey = pushes.get(pushes.size() - 1);
        assertEquals("请为本次服务打分：回复 1-5", survey.text());
        assertTrue(survey.reason().startsWith("Satisfaction survey for work order " + w.number()), survey.reason());
        int told = pushes.size();
        assertThrows(IllegalStateException.class, () -> board.transition(w.id(), "closed", "x", null, Map.of()));
        assertThrows(IllegalStateException.class, () -> board.transition(w.id(), "cancelled", "x", null, Map.of()),
                "a closed order is finished");
        assertEquals(told, pushes.size());
    }

    @Test
    void aScoreWrittenToTheBotIsTheSurveysAnswerAndIsThanked() {
        WorkOrder w = luggage();
        SurveySkill skill = new SurveySkill(board, () -> "感谢您的评价！");
        io.switchboard.bot.Dialogue dialogue = new io.switchboard.bot.Dialogue("conv-9", customer.id(),
                new io.switchboard.api.ChannelAddress("wechat", "o-1"), SurveySkill.NAME, Map.of(), 0);
        assertTrue(!skill.opens(dialogue, "5"), "no survey out yet");
        for (String to : List.of("assigned", "en_route", "picked_up", "delivered", "closed")) {
            board.transition(w.id(), to, "courier-li", null, Map.of("eta", "15:00"));
        }
        assertTrue(!skill.opens(dialogue, "什么时候到？"), "not a score");
        assertTrue(skill.opens(dialogue, "四分"));
        io.switchboard.bot.Turn turn = skill.next(dialogue, "★★★★");
        assertEquals(io.switchboard.bot.Turn.Outcome.DONE, turn.outcome());
        assertEquals("感谢您的评价！", turn.say());
        assertEquals(4, board.workOrder(w.id()).satisfaction());
        assertTrue(!skill.opens(dialogue, "5"), "answered");
        assertEquals(io.switchboard.bot.Turn.Outcome.DONE, skill.next(dialogue, "5").outcome(), "a redelivery is thanked again");
        assertEquals(4, board.workOrder(w.id()).satisfaction());
    }

    @Test
    void theFirstAnswerAfterTheSurveyThatReadsAsAScoreIsStoredAndReported() {
        WorkOrder w = luggage();
        for (String to : List.of("assigned", "en_route", "picked_up", "delivered", "closed")) {
            board.transition(w.id(), to, "courier-li", null, Map.of("eta", "15:00"));
        }
        board.sweep();
        assertNull(board.workOrder(w.id()).satisfaction(), "no answer yet");
        customerSays("5分，非常满意 👍");
        board.sweep();
        assertEquals(5, board.workOrder(w.id()).satisfaction());
        assertEquals(5.0, board.satisfaction().get("pickup").get("average"));
        assertEquals(WorkOrderChange.Kind.RATED, board.history(w.id()).get(board.history(w.id()).size() - 1).kind());
        customerSays("1");
        board.sweep();
        assertEquals(5, board.workOrder(w.id()).satisfaction(), "only the first answer counts");
    }

    @Test
    void anOverdueOrderEscalatesOnceToTheTypesTeam() {
        WorkOrder w = board.create(new WorkOrder.Draft("pickup", customer.id(), null, "取件", null, List.of(), "logistics",
                null, Map.of(), Instant.now().minusSeconds(60), null), "alice");
        WorkOrder done = board.create(new WorkOrder.Draft("pickup", customer.id(), null, "已取消", null, List.of(), "logistics",
                null, Map.of(), Instant.now().minusSeconds(60), null), "alice");
        board.transition(done.id(), "cancelled", "alice", null, Map.of());
        board.sweep();
        board.sweep();
        WorkOrder escalated = board.workOrder(w.id());
        assertTrue(escalated.escalated());
        assertEquals("logistics-supervisors", escalated.team());
        assertEquals(1, board.history(w.id()).stream().filter(c -> c.kind() == WorkOrderChange.Kind.ESCALATED).count());
        assertTrue(!board.workOrder(done.id()).escalated(), "a finished order does not escalate");
    }

    @Test
    void notesAndAttachmentsJoinTheOrderByteForByte() {
        WorkOrder w = luggage();
        board.note(w.id(), "客户要求下午两点后上门", "alice");
        byte[] photo = new byte[70_000];
        new java.util.Random(7).nextBytes(photo);
        String id = board.attach(w.id(), "行李照片.jpg", "image/jpeg", photo, "courier-li");
        io.switchboard.workorders.WorkOrders.Attachment back = board.attachment(w.number(), id);
        assertEquals("行李照片.jpg", back.name());
        assertEquals("image/jpeg", back.mediaType());
        assertTrue(java.util.Arrays.equals(photo, back.content()), "the photo came back changed");
        List<WorkOrderChange> history = board.history(w.id());
        assertEquals("客户要求下午两点后上门", history.get(1).note());
        assertEquals("70000", history.get(2).data().get("bytes"));
        assertThrows(IllegalArgumentException.class, () -> board.attach(w.id(), "../etc/passwd", "text/plain", new byte[] {1}, "x"));
        assertThrows(java.util.NoSuchElementException.class, () -> board.attachment(w.id(), "nope"));
    }

    @Test
    void aTrackingNumberJoinsTheReferencesOnceAndOnTheHistory() {
        WorkOrder w = luggage();
        WorkOrder referred = board.refer(w.id(), Map.of("trackingNumber", "SF1400000001"), "flows");
        assertEquals("SF1400000001", referred.references().get("trackingNumber"));
        w.references().forEach((k, v) -> assertEquals(v, referred.references().get(k), "the others stay"));
        board.refer(w.number(), Map.of("trackingNumber", "SF1400000001"), "flows");
        List<WorkOrderChange> referencing = board.history(w.id()).stream()
                .filter(c -> c.kind() == WorkOrderChange.Kind.REFERENCED).toList();
        assertEquals(1, referencing.size(), "a repeat changes nothing");
        assertEquals("SF1400000001", referencing.get(0).data().get("trackingNumber"));
        java.util.Map<String, String> remove = new java.util.HashMap<>();
        remove.put("trackingNumber", "");
        assertNull(board.refer(w.id(), remove, "flows").references().get("trackingNumber"));
        assertThrows(IllegalArgumentException.class, () -> board.refer(w.id(), Map.of(), "flows"));
    }

    @Test
    void creatingAgainWithTheSameKeyGivesTheFirstOrder() {
        WorkOrder.Draft draft = new WorkOrder.Draft("pickup", customer.id(), null, "取件", null, List.of(), null, null,
                Map.of(), null, "flow-42");
        WorkOrder first = board.create(draft, "flows");
        WorkOrder again = board.create(draft, "flows");
        assertEquals(first.id(), again.id());
        assertEquals(1, board.list(null, null, null, customer.id(), 100).stream().filter(w -> w.title().equals("取件")).count());
    }

    @Test
    void badInputIsRefusedWithTheReason() {
        assertThrows(IllegalArgumentException.class, () -> board.create(new WorkOrder.Draft("teleport", customer.id(), null,
                "x", null, null, null, null, null, null, null), "alice"));
        assertThrows(IllegalArgumentException.class, () -> board.create(new WorkOrder.Draft("pickup", "nobody", null,
                "x", null, null, null, null, null, null, null), "alice"));
        assertThrows(IllegalArgumentException.class, () -> board.create(new WorkOrder.Draft("pickup", customer.id(), null,
                "x", null, List.of("two\nlines"), null, null, null, null, null), "alice"));
        assertThrows(java.util.NoSuchElementException.class, () -> board.transition("WO-000000-000000", "assigned", "a", null, null));
    }

    @Test
    void surveyAnswersAreReadAsCustomersWriteThem() {
        assertEquals(5, Scores.parse("5").getAsInt());
        assertEquals(4, Scores.parse("4分").getAsInt());
        assertEquals(3, Scores.parse("三星").getAsInt());
        assertEquals(4, Scores.parse("★★★★").getAsInt());
        assertEquals(2, Scores.parse("2 - slow").getAsInt());
        assertTrue(Scores.parse("我的快递到哪了").isEmpty());
        assertTrue(Scores.parse("50").isEmpty());
        assertTrue(Scores.parse("6").isEmpty());
    }

    void customerSays(String text) {
        store.inTransaction(s -> {
            s.messages().insert(new Message(Ids.newId(), Ids.newId(), Direction.INBOUND, conversation.address(),
                    conversation.id(), customer.id(), null, Instant.now().truncatedTo(ChronoUnit.MICROS),
                    List.of(ContentPart.text(text)), Map.of()));
            return null;
        });
    }
}
