package io.switchboard.bot.internal;

import static io.switchboard.bot.internal.KnowledgeBaseFixture.ADDRESS;
import static io.switchboard.bot.internal.KnowledgeBaseFixture.DELIVERY;
import static io.switchboard.bot.internal.KnowledgeBaseFixture.HOURS;
import static io.switchboard.bot.internal.KnowledgeBaseFixture.REFUND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MatcherTest {

    static final double MIN = 0.35;

    final Matcher matcher = new Matcher(KnowledgeBaseFixture.all());

    Optional<Matcher.Match> best(String question) {
        return matcher.best(Tokens.of(question));
    }

    void assertAnswers(Article expected, String question) {
        Matcher.Match m = best(question).orElseThrow(() -> new AssertionError("nothing matched " + question));
        assertEquals(expected.id(), m.article().id(), question + " -> " + m);
        assertTrue(m.confidence() >= MIN, question + " -> " + m);
    }

    void assertUnsure(String question) {
        Optional<Matcher.Match> m = best(question);
        assertTrue(m.isEmpty() || m.get().confidence() < MIN, question + " -> " + m);
    }

    @Test
    void chineseQuestionsWithoutSpacesFindTheirKeyword() {
        assertAnswers(REFUND, "我想退款怎么办");
        assertAnswers(REFUND, "退货");
        assertAnswers(HOURS, "你们的营业时间是什么");
        Matcher.Match refund = best("我想退款怎么办").orElseThrow();
        assertTrue(refund.confidence() > 0.8, "a question about nothing but the keyword is a sure one: " + refund);
        assertTrue(refund.found().contains("退款"), refund.found().toString());
    }

    @Test
    void synonymsWidenAKeyword() {
        assertAnswers(REFUND, "我想退钱");
        assertAnswers(REFUND, "能把钱退给我吗？我要退钱！");
        assertAnswers(ADDRESS, "下单后可以换地址吗");
        assertAnswers(HOURS, "客服几点上班");
    }

    @Test
    void aKeywordOnlyMentionedAmidMuchElseIsLessSureButStillFound() {
        String ramble = "我上周买的衣服尺码不对，颜色也和图片不一样，我想退款，请问要怎么操作";
        Matcher.Match m = best(ramble).orElseThrow();
        assertEquals(REFUND.id(), m.article().id());
        assertTrue(m.confidence() >= MIN && m.confidence() < best("我想退款").orElseThrow().confidence(), m.toString());
    }

    @Test
    void aPartOfAKeywordFindsItWithLessConfidence() {
        Matcher.Match partial = best("地址修改").orElseThrow();
        assertEquals(ADDRESS.id(), partial.article().id());
        assertTrue(partial.confidence() >= MIN && partial.confidence() < 0.9, partial.toString());
        // one bigram of 修改地址 in a question about something else is no evidence
        assertUnsure("你们公司地址在哪里");
    }

    @Test
    void englishQuestionsMatchWordsCaseAndPluralsAside() {
        assertAnswers(DELIVERY, "How long does SHIPPING take?");
        assertAnswers(DELIVERY, "When will my order arrive");
        assertAnswers(DELIVERY, "deliveries to Shanghai");
        assertAnswers(REFUND, "I want a refund");
        assertAnswers(REFUND, "ＲＥＦＵＮＤ please");
    }

    @Test
    void anArticleInTheQuestionsLanguageWinsATie() {
        Article zh = new Article("zh", "营业时间", "9 点到 21 点", List.of("opening hours"), List.of(), List.of(), "zh", true, null);
        Article en = new Article("en", "Hours", "9 am to 9 pm", List.of("opening hours"), List.of(), List.of(), "en", true, null);
        Matcher both = new Matcher(List.of(zh, en));
        assertEquals("en", both.best(Tokens.of("opening hours?")).orElseThrow().article().id());
    }

    @Test
    void unrelatedQuestionsAreLowConfidence() {
        assertUnsure("今天天气怎么样");
        assertUnsure("What is the meaning of life");
        assertUnsure("你好");
        assertUnsure("？？？");
        assertUnsure("");
    }

    @Test
    void disabledArticlesAreNeverMatched() {
        assertUnsure("我要开发票");
        assertEquals(4, matcher.size());
    }

    @Test
    void spacesInsideChineseDoNotSplitWordsButPunctuationDoes() {
        assertAnswers(REFUND, "退 款");
        assertTrue(Tokens.of("退 款").questionFeatures().contains("退款"));
        assertFalse(Tokens.of("退，款").questionFeatures().contains("退款"));
    }

    @Test
    void tokensAreCharactersForChineseAndWordsOtherwise() {
        Tokens t = Tokens.of("我的iPhone15坏了, Refunds?");
        assertEquals("[我, 的, iphone15, 坏, 了, refund]", t.toString());
        assertEquals(List.of("我的", "iphone15", "坏了", "refund"), List.copyOf(t.termFeatures()));
        assertEquals("zh", t.language());
        assertEquals("en", Tokens.of("where is my parcel").language());
        assertEquals(List.of("人"), List.copyOf(Tokens.of("人").termFeatures()));
    }

    @Test
    void termScoresRewardWholeTermsAndDiscountParts() {
        assertEquals(1.0, Matcher.score(Tokens.of("退款").termFeatures(), Tokens.of("我想退款").questionFeatures()));
        assertEquals(4.0 / 9, Matcher.score(Tokens.of("修改地址").termFeatures(), Tokens.of("改地址").questionFeatures()), 1e-9);
        assertEquals(0.0, Matcher.score(Tokens.of("修改地址").termFeatures(), Tokens.of("地址").questionFeatures()));
    }
}
