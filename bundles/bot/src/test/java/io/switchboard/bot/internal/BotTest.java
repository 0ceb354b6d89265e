package io.switchboard.bot.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class BotTest {

    static final String FALLBACK = "这个问题我帮您转接人工客服，请稍候。";
    static final String GREETING = "您好！我是智能客服，请问有什么可以帮您？";

    static Bot.Policy policy(String greeting) {
        return Bot.Policy.of(0.35, "人工,转人工,人工客服,agent,human,real person", "general", greeting,
                "你好,您好,在吗,在不在,哈喽,嗨,hi,hello,hey,good morning", FALLBACK);
    }

    final Matcher matcher = new Matcher(KnowledgeBaseFixture.all());
    final Bot bot = new Bot(policy(GREETING), () -> matcher);

    /** A conversation with no earlier messages; asking for them would be a mistake here. */
    static final Supplier<List<String>> NOT_NEEDED = () -> {
        throw new AssertionError("the earlier messages were not needed");
    };

    Decision decide(String text) {
        return bot.decide(text, List.of(), NOT_NEEDED);
    }

    @Test
    void aKnownQuestionIsAnsweredWithTheArticle() {
        Decision d = decide("我想退款怎么办");
        assertEquals(Decision.Kind.ANSWER, d.kind());
        assertEquals(KnowledgeBaseFixture.REFUND.answer(), d.say());
        assertEquals("refund", d.articleId());
        assertTrue(d.confidence() >= 0.35);
    }

    @Test
    void askingForAHumanHandsOffEvenWhenTheBotKnowsTheAnswer() {
        Decision d = decide("我要退款，转人工");
        assertEquals(Decision.Kind.HAND_OFF, d.kind());
        assertEquals(FALLBACK, d.say());
        assertEquals(List.of("billing:2"), d.skills(), "the article's skills, as it is about refunds");
        assertEquals("asked for a human: \"我要退款，转人工\"; topic: 如何申请退款", d.reason());
    }

    @Test
    void aBareRequestForAHumanIsAboutWhatTheCustomerAskedBefore() {
        Decision d = bot.decide("转人工", List.of(), () -> List.of("在吗", "我想退钱", "你好"));
        assertEquals(Decision.Kind.HAND_OFF, d.kind());
        assertEquals(List.of("billing:2"), d.skills());
        assertEquals("asked for a human: \"转人工\"; earlier: \"我想退钱\"; topic: 如何申请退款", d.reason());

        Decision first = bot.decide("人工客服！", List.of(), List::of);
        assertEquals(List.of("general"), first.skills());
        assertEquals("asked for a human: \"人工客服！\"", first.reason());
    }

    @Test
    void handOffPhrasesAreFoundWhateverTheSpacingCaseOrPlural() {
        for (String text : List.of("转 人工", "您好，在吗？转人工", "I want to talk to a REAL person", "agents please",
                "Human!", "给我找个人工")) {
            Decision d = bot.decide(text, List.of(), List::of);
            assertEquals(Decision.Kind.HAND_OFF, d.kind(), text);
            assertTrue(d.reason().startsWith("asked for a human"), d.reason());
        }
        assertEquals(Decision.Kind.ANSWER, decide("How long does shipping take").kind(), "no phrase inside other words");
    }

    @Test
    void aQuestionTheBotIsNotSureOfGoesToAHumanWithTheQuestion() {
        Decision d = decide("今天天气怎么样");
        assertEquals(Decision.Kind.HAND_OFF, d.kind());
        assertEquals(FALLBACK, d.say());
        assertEquals(List.of("general"), d.skills());
        assertTrue(d.reason().startsWith("the bot has no confident answer ("), d.reason());
        assertTrue(d.reason().endsWith(": \"今天天气怎么样\""), d.reason());

        Decision near = decide("你们公司地址在哪里");
        assertEquals(Decision.Kind.HAND_OFF, near.kind());
        assertTrue(near.reason().endsWith("; closest: 修改收货地址"), near.reason());
    }

    @Test
    void aGreetingIsGreetedAndAGreetingWithAQuestionAnswered() {
        assertEquals(new Decision(Decision.Kind.GREETING, GREETING, 0, null, null, null, null, null), decide("你好"));
        assertEquals(Decision.Kind.GREETING, decide("在吗？").kind());
        assertEquals(Decision.Kind.GREETING, decide("Hi there!").kind());
        assertEquals(Decision.Kind.GREETING, decide("👋").kind());
        assertEquals(Decision.Kind.ANSWER, decide("你好，我想退款").kind());

        Bot withoutGreeting = new Bot(policy(""), () -> matcher);
        assertEquals(Decision.Kind.HAND_OFF, withoutGreeting.decide("你好", List.of(), List::of).kind());
    }

    @Test
    void whatTheBotCannotReadGoesToAHumanAndEventsAreIgnored() {
        Decision image = bot.decide("", List.of("image"), NOT_NEEDED);
        assertEquals(Decision.Kind.HAND_OFF, image.kind());
        assertEquals("sent image, which the bot cannot read", image.reason());
        assertEquals(Decision.Kind.IGNORE, bot.decide("", List.of(), NOT_NEEDED).kind());
        assertEquals(Decision.Kind.ANSWER, bot.decide("退款", List.of("image"), NOT_NEEDED).kind(), "a caption is read");
    }

    @Test
    void withoutAFallbackAnswerTheHandOffIsSilent() {
        Bot silent = new Bot(Bot.Policy.of(0.35, "转人工", "general", null, "", " "), () -> matcher);
        Decision d = silent.decide("转人工", List.of(), List::of);
        assertEquals(Decision.Kind.HAND_OFF, d.kind());
        assertNull(d.say());
    }

    @Test
    void longQuestionsAreQuotedShort() {
        String quoted = Bot.quote("问".repeat(300) + "\n第二行");
        assertEquals(Bot.QUOTE_LENGTH + 3, quoted.codePointCount(0, quoted.length()));
        assertTrue(quoted.endsWith("…\""));
        assertEquals("\"a b\"", Bot.quote(" a \n b "));
    }

    @Test
    void aBadPolicyIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Bot.Policy.of(1.5, "", "general", null, "", null));
        assertThrows(IllegalArgumentException.class, () -> Bot.Policy.of(0.3, "", "billing:x", null, "", null));
    }
}
