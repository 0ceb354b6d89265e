package io.switchboard.bot.internal;

import io.switchboard.api.CanonicalJson;
import io.switchboard.conversation.AgentDesk;
import io.switchboard.store.Store;
import org.apache.camel.RoutesBuilder;

/** The bot's route with the refund article, for tests in other packages. */
public final class BotRoutesForTests {

    public static final String REFUND_ANSWER = KnowledgeBaseFixture.REFUND.answer();
    public static final String FALLBACK = BotTest.FALLBACK;

    public static RoutesBuilder withRefundArticle(Store store, AgentDesk desk, CanonicalJson json) {
        store.migrate(KnowledgeBase.CHANGELOG, KnowledgeBase.class.getClassLoader());
        KnowledgeBase kb = new KnowledgeBase(store);
        kb.put(KnowledgeBaseFixture.REFUND.id(), KnowledgeBaseFixture.REFUND);
        return new BotRoutes(new Bot(BotTest.policy(BotTest.GREETING), kb::matcher), desk, json);
    }

    private BotRoutesForTests() {
    }
}
