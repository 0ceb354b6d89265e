package io.switchboard.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Agent;
import io.switchboard.api.ChannelAddress;
import io.switchboard.api.Conversation;
import io.switchboard.api.ConversationState;
import io.switchboard.api.Customer;
import io.switchboard.api.Direction;
import io.switchboard.api.Ids;
import io.switchboard.api.TimelineEntry;
import io.switchboard.store.IdentityChange;
import io.switchboard.store.Timeline;
import io.switchboard.testkit.TestDatabase;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Identity, timeline, lifecycle and agents, on H2 and on PostgreSQL alike. */
class IdentityAndTimelineTest {

    TestDatabase db;

    @AfterEach
    void drop() {
        if (db != null) {
            db.close();
        }
    }

    JdbcStore open(TestDatabase.Kind kind) {
        db = TestDatabase.create(kind);
        return new JdbcStore(db.dataSource());
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aPhoneNumberOnSmsAndOnACallIsOneCustomer(TestDatabase.Kind kind) {
        JdbcStore store = open(kind);
        Customer bySms = store.inTransaction(s -> s.customers().forAddress(new ChannelAddress("sms", "+8613800138000"), "李雷"));
        Customer byCall = store.inTransaction(s -> s.customers().forAddress(new ChannelAddress("voice", "+86 138-0013-8000"), null));
        assertEquals(bySms.id(), byCall.id());
        assertEquals(Set.of(new ChannelAddress("sms", "+8613800138000"), new ChannelAddress("voice", "+86 138-0013-8000")),
                Set.copyOf(byCall.addresses()));
        // a web-chat visitor is nobody else, whatever they are called
        Customer visitor = store.inTransaction(s -> s.customers().forAddress(new ChannelAddress("webchat", "v-1"), "李雷"));
        assertNotEquals(bySms.id(), visitor.id());
        List<IdentityChange> history = store.inTransaction(s -> s.customers().history(bySms.id()));
        assertEquals(IdentityChange.Action.LINK, history.get(0).action());
        assertEquals("channel", history.get(0).operator());
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aVerifiedEmailGivenInChatLeadsTheEmailChannelToTheSameCustomer(TestDatabase.Kind kind) {
        JdbcStore store = open(kind);
        Customer visitor = store.inTransaction(s -> s.customers().forAddress(new ChannelAddress("webchat", "v-2"), "韩梅梅"));
        ChannelAddress email = new ChannelAddress("email", "meimei@example.cn");
        assertThrows(IllegalArgumentException.class,
                () -> store.inTransaction(s -> { s.customers().link(visitor.id(), email, false, "agent-1"); return null; }));
        store.inTransaction(s -> { s.customers().link(visitor.id(), email, true, "agent-1"); return null; });
        assertEquals(visitor.id(), store.inTransaction(s -> s.customers().forAddress(email, null)).id());
        Customer other = store.inTransaction(s -> s.customers().forAddress(new ChannelAddress("webchat", "v-3"), null));
        IllegalStateException taken = assertThrows(IllegalStateException.class,
                () -> store.inTransaction(s -> { s.customers().link(other.id(), email, true, "agent-1"); return null; }));
        assertTrue(taken.getMessage().contains("merge"), taken.getMessage());
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void mergeThenUnmergeRestoresBothCustomersExactly(TestDatabase.Kind kind) {
        JdbcStore store = open(kind);
        ChannelAddress wechat = new ChannelAddress("wechat", "oOPENID-张三");
        ChannelAddress sms = new ChannelAddress("sms", "+8613900139000");
        Customer a = store.inTransaction(s -> s.customers().forAddress(wechat, "张三"));
        Customer b = store.inTransaction(s -> s.customers().forAddress(sms, "张先生"));
        store.inTransaction(s -> {
            s.customers().update(new Customer(b.id(), "张先生", Customer.Tier.VIP, List.of("金卡"), List.of(), "sms"));
            return null;
        });
        Conversation onWechat = conversation(store, a.id(), wechat);
        Conversation onSms = conversation(store, b.id(), sms);
        record(store, a.id(), onWechat.id(), "微信：我的包裹在哪里？");
        record(store, b.id(), onSms.id(), "短信：快递延误了");
        Customer aBefore = store.inTransaction(s -> s.customers().byId(a.id()).orElseThrow());
        Customer bBefore = store.inTransaction(s -> s.customers().byId(b.id()).orElseThrow());
        List<TimelineEntry> aTimeline = store.inTransaction(s -> s.timeline().page(a.id(), null, 50)).entries();
        List<TimelineEntry> bTimeline = store.inTransaction(s -> s.timeline().page(b.id(), null, 50)).entries();

        String mergeId = store.inTransaction(s -> s.customers().merge(a.id(), b.id(), "admin", "同一个人"));
        Customer merged = store.inTransaction(s -> s.customers().byId(a.id()).orElseThrow());
        assertEquals(b.id(), merged.id(), "reading the merged-away customer gives the survivor");
        assertEquals(Customer.Tier.VIP, merged.tier());
        assertEquals(Set.of(wechat, sms), Set.copyOf(merged.addresses()));
        assertEquals(b.id(), store.inTransaction(s -> s.customers().forAddress(wechat, null)).id());
        assertEquals(2, store.inTransaction(s -> s.timeline().page(a.id(), null, 50)).entries().size(),
                "one timeline for both");
        assertThrows(IllegalStateException.class,
                () -> store.inTransaction(s -> s.customers().merge(a.id(), b.id(), "admin", "again")));

        store.inTransaction(s -> { s.customers().unmerge(mergeId, "admin", "不是同一个人"); return null; });
        assertEquals(aBefore, store.inTransaction(s -> s.customers().byId(a.id()).orElseThrow()));
        assertEquals(bBefore, store.inTransaction(s -> s.customers().byId(b.id()).orElseThrow()));
        assertEquals(aTimeline, store.inTransaction(s -> s.timeline().page(a.id(), null, 50)).entries());
        assertEquals(bTimeline, store.inTransaction(s -> s.timeline().page(b.id(), null, 50)).entries());
        assertThrows(java.util.NoSuchElementException.class,
                () -> store.inTransaction(s -> { s.customers().unmerge(mergeId, "admin", "twice"); return null; }));
        List<IdentityChange> audit = store.inTransaction(s -> s.customers().history(a.id()));
        assertEquals(List.of(IdentityChange.Action.MERGE, IdentityChange.Action.UNMERGE),
                audit.stream().map(IdentityChange::action).toList());
        assertEquals("不是同一个人", audit.get(1).reason());
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void theTimelinePagesNewestFirstAcrossMessagesAndEvents(TestDatabase.Kind kind) {
        JdbcStore store = open(kind);
        ChannelAddress wechat = new ChannelAddress("wechat", "o-page");
        Customer c = store.inTransaction(s -> s.customers().forAddress(wechat, null));
        Conversation conv = conversation(store, c.id(), wechat);
        Instant t0 = Instant.parse("2026-11-01T08:00:00Z");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            Instant at = t0.plusSeconds(i);
            String text = "第" + i + "条";
            if (i % 2 == 0) {
                store.inTransaction(s -> s.messages().insert(new io.switchboard.api.Message(Ids.newId(), null,
                        Direction.INBOUND, wechat, conv.id(), c.id(), null, at,
                        List.of(io.switchboard.api.ContentPart.text(text)), Map.of())));
            } else {
                store.inTransaction(s -> {
                    s.timeline().record(new TimelineEntry("call-" + at.getEpochSecond(), c.id(), null, at,
                            TimelineEntry.Kind.CALL, "voice", Direction.INBOUND, null, text, Map.of("recording", "https://pbx/r/" + text)));
                    return null;
                });
            }
            expected.add(0, text);
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            String before = cursor;
            Timeline.Page page = store.inTransaction(s -> s.timeline().page(c.id(), before, 3));
            page.entries().forEach(e -> seen.add(e.summary()));
            cursor = page.next();
            pages++;
        } while (cursor != null);
        assertEquals(expected, seen);
        assertEquals(3, pages);
        TimelineEntry call = store.inTransaction(s -> s.timeline().page(c.id(), null, 10)).entries().stream()
                .filter(e -> e.kind() == TimelineEntry.Kind.CALL).findFirst().orElseThrow();
        assertEquals("https://pbx/r/" + call.summary(), call.data().get("recording"));
        assertThrows(IllegalArgumentException.class, () -> store.inTransaction(s -> s.timeline().page(c.id(), "garbage", 3)));
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void transitionsAreCompareAndSetAndTheQueueIsInRoutingOrder(TestDatabase.Kind kind) {
        JdbcStore store = open(kind);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Customer c = store.inTransaction(s -> s.customers().forAddress(new ChannelAddress("webchat", "v-q"), null));
        Conversation early = conversation(store, c.id(), new ChannelAddress("webchat", "v-q"));
        Conversation vip = conversation(store, c.id(), new ChannelAddress("webchat", "v-q"));
        store.inTransaction(s -> s.conversations().transition(early.id(), ConversationState.BOT, ConversationState.QUEUED,
                null, List.of("billing:3"), now));
        store.inTransaction(s -> s.conversations().transition(vip.id(), ConversationState.BOT, ConversationState.QUEUED,
                null, null, now.plusSeconds(1)));
        store.inTransaction(s -> s.connection().createStatement()
                .executeUpdate("UPDATE sb_conversation SET priority = 10 WHERE id = '" + vip.id() + "'"));
        List<Conversation> queue = store.inTransaction(s -> s.conversations().inState(ConversationState.QUEUED, 10));
        assertEquals(List.of(vip.id(), early.id()), queue.stream().map(Conversation::id).toList());
        assertEquals(List.of("billing:3"), queue.get(1).skills());
        assertEquals(now, queue.get(1).queuedAt());

        assertTrue((boolean) store.inTransaction(s -> s.conversations().transition(early.id(), ConversationState.QUEUED,
                ConversationState.ASSIGNED, "agent-1", null, now)));
        assertFalse((boolean) store.inTransaction(s -> s.conversations().transition(early.id(), ConversationState.QUEUED,
                ConversationState.ASSIGNED, "agent-2", null, now)), "the second taker loses");
        assertEquals(Map.of("agent-1", Map.of("webchat", 1)), store.inTransaction(s -> s.conversations().activeLoad()));
        assertEquals(List.of(early.id()), store.inTransaction(s -> s.conversations().assignedTo("agent-1"))
                .stream().map(Conversation::id).toList());
        store.inTransaction(s -> s.conversations().transition(early.id(), ConversationState.ASSIGNED,
                ConversationState.CLOSED, null, null, now));
        Conversation closed = store.inTransaction(s -> s.conversations().byId(early.id()).orElseThrow());
        assertEquals(now, closed.closedAt());
        store.inTransaction(s -> s.conversations().transition(early.id(), ConversationState.CLOSED,
                ConversationState.BOT, null, null, now));
        assertNull(store.inTransaction(s -> s.conversations().byId(early.id()).orElseThrow()).closedAt());
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void agentsKeepSkillsCapacityPresenceAndIdleTime(TestDatabase.Kind kind) {
        JdbcStore store = open(kind);
        Agent alice = new Agent("alice", "王芳", Map.of("billing", 5, "中文", 9), Map.of("webchat", 3, "*", 1),
                Agent.Presence.AVAILABLE, Agent.Workplace.HOME);
        store.inTransaction(s -> { s.agents().save(alice); return null; });
        Agent stored = store.inTransaction(s -> s.agents().byId("alice").orElseThrow());
        assertEquals(Agent.Presence.OFFLINE, stored.presence(), "a new agent starts offline");
        assertEquals(alice.skills(), stored.skills());
        assertEquals(alice.capacity(), stored.capacity());
        assertEquals(Agent.Workplace.HOME, stored.workplace());
        Instant at = Instant.parse("2026-11-23T08:00:00Z");
        assertTrue((boolean) store.inTransaction(s -> s.agents().presence("alice", Agent.Presence.AVAILABLE, at)));
        assertFalse((boolean) store.inTransaction(s -> s.agents().presence("nobody", Agent.Presence.AVAILABLE, at)));
        store.inTransaction(s -> { s.agents().assigned("alice", at); return null; });
        assertEquals(at, store.inTransaction(s -> s.agents().idleSince()).get("alice"));
        assertEquals(Agent.Presence.AVAILABLE, store.inTransaction(s -> s.agents().all()).get(0).presence());
    }

    private static Conversation conversation(JdbcStore store, String customerId, ChannelAddress address) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Conversation c = new Conversation(Ids.newId(), customerId, address, ConversationState.BOT, List.of(), 0, null,
                now, now, null, null, null);
        store.inTransaction(s -> { s.conversations().create(c); return null; });
        return c;
    }

    private static void record(JdbcStore store, String customerId, String conversationId, String text) {
        store.inTransaction(s -> s.messages().insert(JdbcStoreTest.inbound(new ChannelAddress("webchat", "x"), null,
                conversationId, customerId, text)));
    }
}
