package io.switchboard.bot.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.rest.Problem;
import io.switchboard.rest.ProblemException;
import io.switchboard.store.internal.JdbcStore;
import io.switchboard.testkit.TestDatabase;
import java.security.Principal;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import javax.ws.rs.core.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The articles in a real database (H2 and PostgreSQL alike), and the REST resource over them. */
class KnowledgeBaseTest {

    TestDatabase db;
    JdbcStore store;
    KnowledgeBase kb;
    KnowledgeBaseApi api;


    void open(TestDatabase.Kind kind) {
        db = TestDatabase.create(kind);
        store = new JdbcStore(db.dataSource());
        store.migrate(KnowledgeBase.CHANGELOG, KnowledgeBase.class.getClassLoader());
        kb = new KnowledgeBase(store);
        api = new KnowledgeBaseApi(kb, new Bot(BotTest.policy(BotTest.GREETING), kb::matcher));
    }

    @AfterEach
    void stop() {
        if (db != null) {
            db.close();
        }
    }

    static Article refund(String id) {
        return new Article(id, " 如何申请退款 ", "在「我的订单」点击“申请退款”。", List.of("退款", " 退货 ", "退款"),
                List.of("退款，退钱、refund", "money back; 退钱"), List.of("billing:2"), null, null, null);
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void articlesAreStoredTidiedAndReadBackInChinese(TestDatabase.Kind kind) {
        open(kind);
        Article created = kb.create(refund(null));
        assertNotNull(created.id());
        assertEquals("如何申请退款", created.title());
        assertEquals(List.of("退款", "退货"), created.keywords());
        assertEquals(List.of("退款,退钱,refund", "money back,退钱"), created.synonyms());
        assertEquals("zh", created.language(), "guessed from the title");
        assertEquals(Boolean.TRUE, created.enabled());
        assertEquals(created, kb.byId(created.id()).orElseThrow());
        assertEquals(List.of(created), kb.all());

        assertThrows(IllegalStateException.class, () -> kb.create(refund(created.id())));
        KnowledgeBase.Saved replaced = kb.put(created.id(), new Article(null, "Refunds", "Click Request refund.",
                List.of("refund"), List.of(), List.of(), "en", false, null));
        assertFalse(replaced.created());
        assertEquals(List.of(), kb.byId(created.id()).orElseThrow().skills());
        assertEquals(Boolean.FALSE, kb.byId(created.id()).orElseThrow().enabled());
        assertTrue(kb.put("faq-2", refund(null)).created());

        kb.delete(created.id());
        assertTrue(kb.byId(created.id()).isEmpty());
        assertThrows(NoSuchElementException.class, () -> kb.delete(created.id()));
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void badArticlesAreRefusedSayingWhy(TestDatabase.Kind kind) {
        open(kind);
        List<Article> bad = List.of(
                new Article("x", "", "a", List.of("k"), null, null, null, null, null),
                new Article("x", "t", " ", List.of("k"), null, null, null, null, null),
                new Article("x", "t", "a", List.of(), null, null, null, null, null),
                new Article("x", "t", "a", List.of("  "), null, null, null, null, null),
                new Article("x", "t", "a", List.of("？！"), null, null, null, null, null),
                new Article("x", "t", "a", List.of("k\nk"), null, null, null, null, null),
                new Article("x", "t", "a", List.of("k"), List.of("退款"), null, null, null, null),
                new Article("x", "t", "a", List.of("k"), null, List.of("billing:x"), null, null, null),
                new Article("x", "t", "a", List.of("k"), null, null, "fr", null, null),
                new Article("bad id", "t", "a", List.of("k"), null, null, null, null, null),
                new Article("x", "t".repeat(201), "a", List.of("k"), null, null, null, null, null));
        for (Article a : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> kb.put(a.id(), a), a.toString());
            assertNotNull(e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> kb.put("y", refund("z")), "the body's id is the path's");
        assertTrue(kb.all().isEmpty());
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void theMatcherFollowsEveryChange(TestDatabase.Kind kind) {
        open(kind);
        Matcher empty = kb.matcher();
        assertEquals(0, empty.size());
        assertSame(empty, kb.matcher(), "unchanged, the compiled matcher is kept");
        kb.put("refund", refund(null));
        Matcher one = kb.matcher();
        assertEquals(1, one.size());
        assertTrue(one.best(Tokens.of("我想退钱")).isPresent());
        kb.put("refund", new Article(null, "如何申请退款", "…", List.of("退款"), null, null, null, false, null));
        assertEquals(0, kb.matcher().size(), "a disabled article is not matched");
        kb.delete("refund");
        assertNotEquals(one, kb.matcher());
    }

    @Test
    void onlyAdminsAndSupervisorsMayWrite() throws Exception {
        // the REST layer refuses everyone else before the method runs (RealmLogin; the access matrix in CoreIT)
        for (var method : List.of(KnowledgeBaseApi.class.getMethod("create", Article.class),
                KnowledgeBaseApi.class.getMethod("put", String.class, Article.class),
                KnowledgeBaseApi.class.getMethod("delete", String.class))) {
            assertEquals(java.util.Set.of("admin", "supervisor"),
                    java.util.Set.of(method.getAnnotation(javax.annotation.security.RolesAllowed.class).value()), method.getName());
        }
    }

    @Test
    void theApiCreatesReplacesDeletesAndTriesQuestions() {
        open(TestDatabase.Kind.H2);
        Response created = api.create(refund(null));
        assertEquals(201, created.getStatus());
        Article a = (Article) created.getEntity();
        assertTrue(created.getLocation().toString().endsWith("articles/" + a.id()), created.getLocation().toString());
        assertEquals(a, api.article(a.id()));

        assertEquals(201, api.put("hours", new Article(null, "客服工作时间", "每天 9:00-21:00。", List.of("工作时间"),
                List.of(), List.of(), null, true, null)).getStatus());
        assertEquals(200, api.put("hours", new Article("hours", "客服工作时间", "每天 8:00-22:00。", List.of("工作时间"),
                List.of(), List.of(), null, true, null)).getStatus());
        assertEquals(2, api.articles().size());

        Decision answer = api.answer("客服的工作时间是几点");
        assertEquals(Decision.Kind.ANSWER, answer.kind());
        assertEquals("每天 8:00-22:00。", answer.say());
        assertEquals("hours", answer.articleId());
        assertEquals(Decision.Kind.HAND_OFF, api.answer("今天天气怎么样").kind());
        assertEquals(400, assertThrows(ProblemException.class, () -> api.answer(" ")).getResponse().getStatus());
        assertEquals(400, assertThrows(ProblemException.class, () -> api.create(null)).getResponse().getStatus());

        assertEquals(204, api.delete("hours").getStatus());
        assertThrows(NoSuchElementException.class, () -> api.article("hours"));
    }

    @Test
    void articlesAndDecisionsTravelAsTheApisJson() {
        io.switchboard.api.CanonicalJson json = new io.switchboard.api.CanonicalJson();
        Article a = KnowledgeBaseFixture.REFUND;
        String text = json.toJson(a);
        assertTrue(text.contains("\"synonyms\":[\"退款,退钱,refund,money back\"]"), text);
        assertEquals(a, json.fromJson(text, Article.class));
        Article posted = json.fromJson("{\"title\":\"如何申请退款\",\"answer\":\"…\",\"keywords\":[\"退款\"]}", Article.class);
        assertEquals(List.of("退款"), posted.keywords());
        assertEquals(null, posted.enabled());
        String decision = json.toJson(new Decision(Decision.Kind.ANSWER, "好的", 0.5, "refund", "如何申请退款", null, null,
                List.of("退款")));
        assertEquals("{\"articleId\":\"refund\",\"confidence\":0.5,\"found\":[\"退款\"],\"kind\":\"ANSWER\","
                + "\"say\":\"好的\",\"skills\":[],\"title\":\"如何申请退款\"}", decision);
    }

}
