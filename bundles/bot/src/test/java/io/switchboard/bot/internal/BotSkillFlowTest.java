package io.switchboard.bot.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.CanonicalJson;
import io.switchboard.api.ConversationState;
import io.switchboard.api.Message;
import io.switchboard.bot.BotSkill;
import io.switchboard.bot.Dialogue;
import io.switchboard.bot.Turn;
import io.switchboard.bot.internal.BotFlowTest.Call;
import io.switchboard.bot.internal.BotFlowTest.RecordingDesk;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.bus.internal.ArtemisBus;
import io.switchboard.store.internal.JdbcStore;
import io.switchboard.testkit.TestBroker;
import io.switchboard.testkit.TestDatabase;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Skills' dialogues through the bot's route on a real broker, kept in a real (H2) database between
 * messages and across a restart of the routes: asking, finishing once, cancelling, asking for a
 * human, a broken skill and one that never finishes.
 */
class BotSkillFlowTest {

    static final String CANCELLED = "好的，已为您取消。";

    TestBroker broker;
    TestDatabase db;
    ArtemisBus bus;
    JdbcStore store;
    KnowledgeBase kb;
    CamelContext camel;
    RecordingDesk desk;
    final CanonicalJson json = new CanonicalJson();
    /** What the address skill did, by its dialogue key: it must happen once. */
    final List<String> done = new CopyOnWriteArrayList<>();
    final List<BotSkill> skills = new CopyOnWriteArrayList<>();

    /** Changes a parcel's address in two questions: which address, then yes. */
    final BotSkill address = new BotSkill() {
        @Override
        public String name() {
            return "address";
        }

        @Override
        public boolean opens(Dialogue dialogue, String text) {
            return text.contains("改地址");
        }

        @Override
        public Turn next(Dialogue dialogue, String text) {
            Map<String, String> facts = new LinkedHashMap<>(dialogue.facts());
            if (dialogue.fact("address") == null) {
                if (dialogue.turns() == 0) {
                    return Turn.ask("请问新的地址是？", facts);
                }
                facts.put("address", text.strip());
                return Turn.ask("改为「" + text.strip() + "」，确认吗？", facts);
            }
            if (text.contains("是")) {
                done.add(dialogue.key() + "=" + dialogue.fact("address"));
                return Turn.done("已改好。");
            }
            return Turn.ask("请回复“是”确认。", facts);
        }
    };

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start();
        db = TestDatabase.h2();
        bus = ArtemisBus.connect(broker.amqpUrl(), "test", "test");
        store = new JdbcStore(db.dataSource());
        store.migrate(KnowledgeBase.CHANGELOG, KnowledgeBase.class.getClassLoader());
        kb = new KnowledgeBase(store);
        for (Article a : KnowledgeBaseFixture.all()) {
            kb.put(a.id(), a);
        }
        desk = new RecordingDesk();
        skills.add(address);
        startRoutes(3);
    }

    void startRoutes(int maxTurns) throws Exception {
        camel = new DefaultCamelContext();
        camel.addComponent("bus", BundleRoutes.busComponent(bus));
        camel.addRoutes(new BotRoutes(new Bot(BotTest.policy(BotTest.GREETING), kb::matcher), desk, json,
                new Dialogues(store, json), () -> skills,
                new BotRoutes.DialoguePolicy(Phrases.parse("取消,算了"), CANCELLED, maxTurns)));
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
    void aDialogueRunsOverSeveralMessagesAndARestartAndActsOnce() throws Exception {
        String id = desk.open(ConversationState.BOT);
        say(id, "我想改地址", 1);
        say(id, "上海市徐汇区漕溪北路 88 号", 2);
        assertEquals(List.of("请问新的地址是？", "改为「上海市徐汇区漕溪北路 88 号」，确认吗？"), replies(id));

        camel.stop();
        startRoutes(5);
        say(id, "是的", 3);
        assertEquals("已改好。", replies(id).get(2));
        assertEquals(List.of("address:" + id + "=上海市徐汇区漕溪北路 88 号"), done);
        awaitEnded(id);

        say(id, "我想退款怎么办", 4);
        assertEquals(KnowledgeBaseFixture.REFUND.answer(), replies(id).get(3), "after it the bot answers as before");
        assertEquals(0, desk.count("handOff"));
    }

    @Test
    void cancellingEndsTheDialogueAndAskingForAHumanHandsOver() throws Exception {
        String cancelled = desk.open(ConversationState.BOT);
        say(cancelled, "改地址", 1);
        say(cancelled, "算了", 2);
        assertEquals(CANCELLED, replies(cancelled).get(1));
        awaitEnded(cancelled);

        String human = desk.open(ConversationState.BOT);
        say(human, "改地址", 1);
        put(customerSays(human, "转人工"));
        Call handOff = BotFlowTest.await(() -> desk.first("handOff"));
        assertTrue(handOff.detail().contains("asked for a human"), handOff.detail());
        awaitEnded(human);
        assertTrue(done.isEmpty());
    }

    @Test
    void aBrokenSkillAndOneThatNeverFinishesGoToAHuman() throws Exception {
        skills.add(0, new BotSkill() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public boolean opens(Dialogue dialogue, String text) {
                return text.contains("坏");
            }

            @Override
            public Turn next(Dialogue dialogue, String text) {
                throw new IllegalStateException("快递系统没有回应");
            }
        });
        String broken = desk.open(ConversationState.BOT);
        put(customerSays(broken, "坏了"));
        Call handOff = BotFlowTest.await(() -> desk.first("handOff"));
        assertTrue(handOff.detail().contains("the bot's skill broken failed: 快递系统没有回应"), handOff.detail());

        String endless = desk.open(ConversationState.BOT);
        say(endless, "改地址", 1);
        say(endless, "北京", 2);
        put(customerSays(endless, "不确定"));
        Call second = BotFlowTest.await(() -> desk.calls.stream()
                .filter(c -> c.what().equals("handOff") && c.conversationId().equals(endless)).findFirst().orElse(null));
        assertTrue(second.detail().contains("the bot's skill address took 2 turns without finishing"), second.detail());
    }

    /**
     * The bot ends a dialogue just after sending its last reply (a redelivery then says it again
     * under the same reply id), so the test sees the reply a moment before the row goes.
     */
    void awaitEnded(String conversationId) throws InterruptedException {
        BotFlowTest.await(() -> new Dialogues(store, json).of(conversationId).isEmpty() ? Boolean.TRUE : null);
    }

    void say(String conversationId, String text, int repliesThen) throws InterruptedException {
        put(customerSays(conversationId, text));
        BotFlowTest.await(() -> replies(conversationId).size() >= repliesThen ? true : null);
    }

    List<String> replies(String conversationId) {
        return desk.calls.stream().filter(c -> c.what().equals("reply") && c.conversationId().equals(conversationId))
                .map(Call::text).toList();
    }

    Message customerSays(String conversationId, String text) {
        return BotFlowTest.customerSays("wechat", conversationId, text);
    }

    void put(Message m) {
        BotFlowTest.put(bus, json, m);
    }
}
