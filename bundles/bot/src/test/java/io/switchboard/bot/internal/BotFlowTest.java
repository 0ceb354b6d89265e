package io.switchboard.bot.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.ChannelAddress;
import io.switchboard.api.ContentPart;
import io.switchboard.api.Conversation;
import io.switchboard.api.ConversationState;
import io.switchboard.api.Direction;
import io.switchboard.api.Ids;
import io.switchboard.api.Message;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.bus.internal.ArtemisBus;
import io.switchboard.conversation.AgentDesk;
import io.switchboard.store.internal.JdbcStore;
import io.switchboard.testkit.TestBroker;
import io.switchboard.testkit.TestDatabase;
import jakarta.jms.TextMessage;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bot's route on a real broker, with the knowledge base in a real (H2) database and a recording desk. */
class BotFlowTest {

    TestBroker broker;
    TestDatabase db;
    ArtemisBus bus;
    JdbcStore store;
    CamelContext camel;
    RecordingDesk desk;
    final CanonicalJson json = new CanonicalJson();

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start();
        db = TestDatabase.h2();
        bus = ArtemisBus.connect(broker.amqpUrl(), "test", "test");
        store = new JdbcStore(db.dataSource());
        store.migrate(KnowledgeBase.CHANGELOG, KnowledgeBase.class.getClassLoader());
        KnowledgeBase kb = new KnowledgeBase(store);
        for (Article a : KnowledgeBaseFixture.all()) {
            kb.put(a.id(), a);
        }
        desk = new RecordingDesk();
        camel = new DefaultCamelContext();
        camel.addComponent("bus", BundleRoutes.busComponent(bus));
        camel.addRoutes(new BotRoutes(new Bot(BotTest.policy(BotTest.GREETING), kb::matcher), desk, json));
        camel.start();
    }

    @AfterEach
    void stop() {
        camel.stop();
        bus.deactivate();
        broker.close();
        db.close();
    }

    @Test
    void aKnownQuestionIsAnsweredWithTheArticle() throws Exception {
        Message question = customerSays(desk.open(ConversationState.BOT), "我想退款怎么办");
        put(question);
        Call reply = await(() -> desk.first("reply"));
        assertEquals(new Call("reply", question.conversationId(), AgentDesk.BOT, KnowledgeBaseFixture.REFUND.answer(),
                "bot-" + question.id(), null), reply);
        assertEquals(ConversationState.BOT, desk.conversation(question.conversationId()).state());
    }

    @Test
    void askingForAHumanHandsOffWithWhatTheCustomerAskedBefore() throws Exception {
        String id = desk.open(ConversationState.BOT);
        desk.history.put(id, new CopyOnWriteArrayList<>(List.of(customerSays(id, "我想退钱"))));
        Message request = customerSays(id, "转人工");
        put(request);
        Call handOff = await(() -> desk.first("handOff"));
        assertEquals(List.of(
                new Call("reply", id, AgentDesk.BOT, BotTest.FALLBACK, "bot-" + request.id(), null),
                new Call("handOff", id, null, null, null,
                        "[billing:2] asked for a human: \"转人工\"; earlier: \"我想退钱\"; topic: 如何申请退款")),
                desk.calls);
        assertEquals(ConversationState.QUEUED, desk.conversation(id).state());
        assertNotNull(handOff);
    }

    @Test
    void aQuestionTheBotCannotAnswerGoesToAHuman() throws Exception {
        Message question = customerSays(desk.open(ConversationState.BOT), "我的宽带断了，师傅什么时候能来修");
        put(question);
        Call handOff = await(() -> desk.first("handOff"));
        assertTrue(handOff.detail().startsWith("[general] the bot has no confident answer"), handOff.detail());
        assertTrue(handOff.detail().contains("\"我的宽带断了，师傅什么时候能来修\""), handOff.detail());
    }

    @Test
    void aConversationNoLongerWithTheBotIsLeftAlone() throws Exception {
        Message toAgent = customerSays(desk.open(ConversationState.ASSIGNED), "我想退款怎么办");
        Message gone = customerSays("no-such-conversation", "我想退款怎么办");
        Message later = customerSays(desk.open(ConversationState.BOT), "你好");
        put(toAgent);
        put(gone);
        put(later);
        // one consumer takes them in order: once the last is greeted, the others were seen
        Call greeted = await(() -> desk.first("reply"));
        assertEquals(later.conversationId(), greeted.conversationId());
        assertEquals(BotTest.GREETING, greeted.text());
        assertEquals(1, desk.calls.size(), desk.calls.toString());
        assertEquals(0, broker.messageCount(BusAddress.deadLetter(BusAddress.BOT)));
    }

    @Test
    void aRedeliveredMessageRepliesWithTheSameReplyId() throws Exception {
        Message question = customerSays(desk.open(ConversationState.BOT), "How long does shipping take?");
        // a replay, or a redelivery after a crash before the acknowledgement: no duplicate id to drop it
        bus.send(BusAddress.BOT, json.toJson(question), Map.of(BusAddress.PAYLOAD_TYPE, "Message"));
        bus.send(BusAddress.BOT, json.toJson(question), Map.of(BusAddress.PAYLOAD_TYPE, "Message"));
        await(() -> desk.count("reply") >= 2 ? Boolean.TRUE : null);
        assertEquals(desk.calls.get(0), desk.calls.get(1));
        assertEquals("bot-" + question.id(), desk.calls.get(0).replyId());
        assertEquals(KnowledgeBaseFixture.DELIVERY.answer(), desk.calls.get(0).text());
    }

    @Test
    void aConversationClosedWhileTheBotThinksIsNotRetried() throws Exception {
        String id = desk.open(ConversationState.BOT);
        desk.closeOnReply = true;
        put(customerSays(id, "我想退款怎么办"));
        await(() -> desk.first("reply"));
        Thread.sleep(500);
        assertEquals(1, desk.count("reply"), "closed is final: no retry");
        assertEquals(0, broker.messageCount(BusAddress.deadLetter(BusAddress.BOT)));
    }

    @Test
    void aMessageThatCannotBeReadIsDeadLetteredWithItsReason() throws Exception {
        bus.send(BusAddress.BOT, "{\"id\": \"x\"", Map.of(BusAddress.PAYLOAD_TYPE, "Message"));
        TextMessage dead = TestBroker.receive(bus.connectionFactory(), BusAddress.deadLetter(BusAddress.BOT), 10_000);
        assertNotNull(dead, "the poison message was lost");
        assertEquals("{\"id\": \"x\"", dead.getText());
        assertTrue(dead.getStringProperty(BusAddress.DEAD_LETTER_REASON).startsWith("java.lang.IllegalArgumentException"));
        assertTrue(desk.calls.isEmpty());
    }

    @Test
    void replyIdsFitTheDesksPattern() {
        Message m = customerSays("c", "hi");
        assertEquals("bot-" + m.id(), BotRoutes.replyId(m));
        Message longId = new Message("a-channel-message-id-that-is-far-too-long-for-a-reply", null, Direction.INBOUND,
                m.address(), "c", null, null, m.time(), m.parts(), Map.of());
        String hashed = BotRoutes.replyId(longId);
        assertTrue(hashed.matches(BotRoutes.REPLY_ID_PATTERN) && hashed.startsWith("bot-"), hashed);
        assertEquals(hashed, BotRoutes.replyId(longId));
    }

    Message customerSays(String conversationId, String text) {
        return customerSays("webchat", conversationId, text);
    }

    static Message customerSays(String channel, String conversationId, String text) {
        return new Message(Ids.newId(), Ids.newId(), Direction.INBOUND, new ChannelAddress(channel, "v-" + conversationId),
                conversationId, "customer-1", null, Instant.now().truncatedTo(ChronoUnit.MICROS),
                List.of(ContentPart.text(text)), Map.of());
    }

    void put(Message m) {
        put(bus, json, m);
    }

    /** As the conversation bundle sends it. */
    static void put(ArtemisBus bus, CanonicalJson json, Message m) {
        bus.send(BusAddress.BOT, json.toJson(m), Map.of(BusAddress.DUPLICATE_ID, "bot:" + m.deduplicationId(),
                BusAddress.GROUP_ID, m.conversationId(), BusAddress.PAYLOAD_TYPE, "Message"));
    }

    static <T> T await(Supplier<T> probe) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < deadline) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("condition not met in 15 s");
    }

    /** A desk call the test can compare: {@code detail} is "[skills] reason" for a hand-off. */
    record Call(String what, String conversationId, String agentId, String text, String replyId, String detail) {
    }

    /** Conversations in memory; every reply and hand-off recorded. */
    static final class RecordingDesk implements AgentDesk {
        final Map<String, Conversation> conversations = new ConcurrentHashMap<>();
        final Map<String, List<Message>> history = new ConcurrentHashMap<>();
        final List<Call> calls = new CopyOnWriteArrayList<>();
        volatile boolean closeOnReply;

        String open(ConversationState state) {
            String id = Ids.newId();
            Instant now = Instant.now();
            conversations.put(id, new Conversation(id, "customer-1", new ChannelAddress("webchat", "v-" + id), state,
                    List.of(), 0, state == ConversationState.ASSIGNED ? "alice" : null, now, now, null, null, null));
            return id;
        }

        Call first(String what) {
            return calls.stream().filter(c -> c.what().equals(what)).findFirst().orElse(null);
        }

        long count(String what) {
            return calls.stream().filter(c -> c.what().equals(what)).count();
        }

        private Conversation with(Conversation c, ConversationState state, List<String> skills) {
            return new Conversation(c.id(), c.customerId(), c.address(), state, skills, c.priority(), c.assignedAgentId(),
                    c.openedAt(), Instant.now(), c.queuedAt(), c.firstResponseAt(), c.closedAt());
        }

        @Override
        public Conversation require(String conversationId, io.switchboard.api.Staff who, boolean handle) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean maySee(Conversation conversation, io.switchboard.api.Staff who) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Conversation conversation(String conversationId) {
            Conversation c = conversations.get(conversationId);
            if (c == null) {
                throw new NoSuchElementException("no conversation " + conversationId);
            }
            return c;
        }

        @Override
        public List<Message> timeline(String conversationId, int limit) {
            conversation(conversationId);
            return history.getOrDefault(conversationId, List.of());
        }

        @Override
        public Message reply(String conversationId, String agentId, String text, String replyId, ChannelAddress via) {
            Conversation c = conversation(conversationId);
            calls.add(new Call("reply", conversationId, agentId, text, replyId, null));
            if (closeOnReply) {
                conversations.put(conversationId, with(c, ConversationState.CLOSED, c.skills()));
                throw new IllegalStateException("conversation " + conversationId + " is closed");
            }
            return new Message(replyId, null, Direction.OUTBOUND, c.address(), conversationId, c.customerId(), agentId,
                    Instant.now(), List.of(ContentPart.text(text)), Map.of());
        }

        @Override
        public Conversation handOff(String conversationId, List<String> skills, String reason) {
            Conversation c = conversation(conversationId);
            calls.add(new Call("handOff", conversationId, null, null, null, skills + " " + reason));
            if (c.state() == ConversationState.BOT) {
                conversations.put(conversationId, with(c, ConversationState.QUEUED, skills));
            }
            return conversations.get(conversationId);
        }

        @Override
        public List<Conversation> conversations(boolean openOnly, int limit) {
            return new ArrayList<>(conversations.values());
        }

        @Override
        public List<Conversation> inState(ConversationState state, int limit) {
            return conversations.values().stream().filter(c -> c.state() == state).toList();
        }

        @Override
        public List<Conversation> assignedTo(String agentId) {
            throw new UnsupportedOperationException("the bot never asks");
        }

        @Override
        public boolean assign(String conversationId, String agentId, String reason) {
            throw new UnsupportedOperationException("the bot never assigns");
        }

        @Override
        public Conversation accept(String conversationId, String agentId) {
            throw new UnsupportedOperationException("the bot never accepts");
        }

        @Override
        public Conversation transferToAgent(String conversationId, String fromAgentId, String toAgentId) {
            throw new UnsupportedOperationException("the bot never transfers");
        }

        @Override
        public Conversation transferToSkills(String conversationId, String fromAgentId, List<String> skills) {
            throw new UnsupportedOperationException("the bot never transfers");
        }

        @Override
        public Conversation close(String conversationId, String agentId) {
            throw new UnsupportedOperationException("the bot never closes");
        }

        @Override
        public io.switchboard.api.Message push(String customerId, String channel, String text, String pushId, String reason,
                                                 java.util.Map<String, String> data) {
            throw new UnsupportedOperationException("the bot never pushes");
        }
    }
}
