package io.switchboard.channel.wechat.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.switchboard.store.internal.JdbcStore;
import io.switchboard.testkit.TestClock;
import io.switchboard.testkit.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The token is the account's, not a node's: every node reads the one in the database. */
class AccessTokensTest {

    TestDatabase db;
    JdbcStore store;
    final TestClock clock = TestClock.at("2025-06-01T08:00:00Z");
    final AtomicInteger fetched = new AtomicInteger();
    final AccessTokens.Source wechat = () -> new AccessTokens.Grant("token-" + fetched.incrementAndGet(), 7200);

    @BeforeEach
    void start() {
        db = TestDatabase.h2();
        store = new JdbcStore(db.dataSource());
        store.migrate(WechatChannel.CHANGELOG, getClass().getClassLoader());
    }

    @AfterEach
    void stop() {
        db.close();
    }

    @Test
    void oneTokenForEveryNodeUntilShortlyBeforeItExpires() throws Exception {
        AccessTokens node1 = new AccessTokens(store, "wx1", wechat, clock);
        AccessTokens node2 = new AccessTokens(store, "wx1", wechat, clock);
        assertEquals("token-1", node1.current());
        assertEquals("token-1", node2.current());
        assertEquals("token-1", node1.current());
        assertEquals(1, fetched.get());

        clock.advance(Duration.ofSeconds(7200 - 301));
        assertEquals("token-1", node2.current());
        clock.advance(Duration.ofSeconds(2));
        assertEquals("token-2", node2.current(), "replaced five minutes before WeChat's expiry");
        assertEquals("token-2", node1.current());
        assertEquals(2, fetched.get());
    }

    @Test
    void aRefusedTokenIsReplacedOnceHoweverManyNodesSawItRefused() throws Exception {
        AccessTokens node1 = new AccessTokens(store, "wx1", wechat, clock);
        AccessTokens node2 = new AccessTokens(store, "wx1", wechat, clock);
        String stale = node1.current();
        String fresh = node1.replace(stale);
        assertNotEquals(stale, fresh);
        assertEquals(fresh, node2.replace(stale), "node 2 takes node 1's replacement instead of retiring it");
        assertEquals(2, fetched.get());
        assertNotEquals(fresh, node2.replace(fresh));
        assertEquals(3, fetched.get());
        assertEquals("token-4", new AccessTokens(store, "wx-other-account", wechat, clock).current(), "another account, another token");
        assertEquals("token-3", node1.current());
    }
}
