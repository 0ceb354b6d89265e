package io.switchboard.conversation.internal;

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
import io.switchboard.api.TimelineEntry;
import io.switchboard.bot.internal.BotRoutesForTests;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.bus.internal.ArtemisBus;
import io.switchboard.conversation.AgentDesk;
import io.switchboard.store.internal.JdbcStore;
import io.switchboard.testkit.TestBroker;
import io.switchboard.testkit.TestDatabase;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bot with the real core: a customer's message goes in on {@code sb.inbound}, the conversation
 * bundle hands it to the bot on {@code sb.bot}, and the bot's answer comes out on the channel's
 * outbound address, or the conversation lands in the queue. In the core's package because its
 * route and desk are package-private.
 */
class BotWithTheCoreFlowTest {

    TestBroker broker;
    TestDatabase db;
    ArtemisBus bus;
    JdbcStore store;
    CamelContext camel;
    Desk desk;
    Outbox outbox;
    final CanonicalJson json = new CanonicalJson();

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start();
        db = TestDatabase.h2();
        bus = ArtemisBus.connect(broker.amqpUrl(), "test", "test");
        store = new JdbcStore(db.dataSource());
        outbox = new Outbox(store, bus, json, java.time.Duration.ofMillis(200));
        desk = new Desk(store, bus, json, outbox);
        camel = new DefaultCamelContext();
        camel.addComponent("bus", BundleRoutes.busComponent(bus));
        camel.addComponent("bus-batch", BundleRoutes.batchComponent(bus));
        camel.addRoutes(new InboundRoutes(store, json, new InboundRoutes.Policy(true, Duration.ofMinutes(30))));
        camel.addRoutes(BotRoutesForTests.withRefundArticle(store, desk, json));
        camel.start();
    }

    @AfterEach
    void stop() {
        camel.stop();
        outbox.close();
        bus.deactivate();
        broker.close();
        db.close();
    }

    @Test
    void theBotAnswersWhatItKnowsAndHandsOverWhatItDoesNot() throws Exception {
        ChannelAddress visitor = new ChannelAddress("webchat", "v-bot");
        put(says(visitor, "我想退款怎么办"));
        TextMessage out = TestBroker.receive(bus.connectionFactory(), BusAddress.outbound("webchat"), 15_000);
        assertNotNull(out, "the bot's answer never reached the channel");
        Message answer = json.fromJson(out.getText(), Message.class);
        assertEquals(AgentDesk.BOT, answer.agentId());
        assertEquals(BotRoutesForTests.REFUND_ANSWER, answer.text());
        String id = answer.conversationId();
        assertEquals(ConversationState.BOT, desk.conversation(id).state());

        put(says(visitor, "转人工"));
        Conversation queued = await(() -> {
            Conversation c = desk.conversation(id);
            return c.state() == ConversationState.QUEUED ? c : null;
        });
        assertEquals(List.of("billing:2"), queued.skills(), "the refund article's skills: the customer asked about refunds");
        List<String> transcript = desk.timeline(id, 10).stream().map(m -> m.direction() + " " + m.text()).toList();
        assertEquals(List.of("INBOUND 我想退款怎么办", "OUTBOUND " + BotRoutesForTests.REFUND_ANSWER, "INBOUND 转人工",
                "OUTBOUND " + BotRoutesForTests.FALLBACK), transcript);
        String customerId = queued.customerId();
        List<String> steps = store.inTransaction(s -> s.timeline().page(customerId, null, 50)).entries().stream()
                .filter(e -> e.kind() == TimelineEntry.Kind.CONVERSATION).map(TimelineEntry::summary).toList();
        assertTrue(steps.contains("Handed to a human: asked for a human: \"转人工\"; earlier: \"我想退款怎么办\"; topic: 如何申请退款"),
                steps.toString());
    }

    Message says(ChannelAddress from, String text) {
        return new Message(Ids.newId(), Ids.newId(), Direction.INBOUND, from, null, null, null,
                Instant.now().truncatedTo(ChronoUnit.MICROS), List.of(ContentPart.text(text)), Map.of());
    }

    void put(Message m) {
        bus.send(BusAddress.INBOUND, json.toJson(m), Map.of(BusAddress.DUPLICATE_ID, m.deduplicationId(),
                BusAddress.GROUP_ID, m.address().toString()));
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
}
