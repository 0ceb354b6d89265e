package io.switchboard.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.ChannelAddress;
import io.switchboard.api.ContentPart;
import io.switchboard.api.Conversation;
import io.switchboard.api.ConversationState;
import io.switchboard.api.Direction;
import io.switchboard.api.Ids;
import io.switchboard.api.Message;
import io.switchboard.store.StoreException;
import io.switchboard.testkit.TestDatabase;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every case runs on H2 and on PostgreSQL: the store must behave the same on both. */
class JdbcStoreTest {

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

    static Message inbound(ChannelAddress from, String channelMessageId, String conversationId, String customerId, String text) {
        return new Message(Ids.newId(), channelMessageId, Direction.INBOUND, from, conversationId, customerId, null,
                Instant.now().truncatedTo(ChronoUnit.MICROS), List.of(ContentPart.text(text)), Map.of("lang", "zh-CN"));
    }

    static Conversation conversation(String customerId, ChannelAddress address) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return new Conversation(Ids.newId(), customerId, address, ConversationState.QUEUED, List.of("billing"), 0, null,
                now, now, now, null, null);
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aCustomerIsCreatedOnceForAnAddressAndKeepsChineseText(TestDatabase.Kind kind) {
        JdbcStore store = open(kind);
        ChannelAddress visitor = new ChannelAddress("webchat", "v-1");
        String first = store.inTransaction(s -> s.customers().forAddress(visitor, "王小明 🙂").id());
        String again = store.inTransaction(s -> s.customers().forAddress(visitor, "someone else").id());
        assertEquals(first, again);
        var customer = store.inTransaction(s -> s.customers().byId(first)).orElseThrow();
        assertEquals("王小明 🙂", customer.name());
        assertEquals(List.of(visitor), customer.addresses());
        assertNotEquals(first, store.inTransaction(s -> s.customers().forAddress(new ChannelAddress("webchat", "v-2"), null).id()));
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aRepeatedChannelMessageIdIsStoredOnceAndTheTransactionGoesOn(TestDatabase.Kind kind) {
        JdbcStore store = open(kind);
        ChannelAddress visitor = new ChannelAddress("webchat", "v-1");
        Message hello = store.inTransaction(s -> {
            String customer = s.customers().forAddress(visitor, null).id();
            Conversation c = conversation(customer, visitor);
            s.conversations().create(c);
            Message m = inbound(visitor, "client-1", c.id(), customer, "你好，我的订单在哪里？📦");
            assertTrue(s.messages().insert(m));
            // the retry (new id, same channel message id) is recognised, and the same transaction still works
            assertFalse(s.messages().insert(inbound(visitor, "client-1", c.id(), customer, "retry")));
            assertTrue(s.messages().insert(inbound(visitor, "client-2", c.id(), customer, "second")));
            return m;
        });
        List<Message> stored = store.inTransaction(s -> s.messages().inConversation(hello.conversationId(), 100));
        assertEquals(List.of("你好，我的订单在哪里？📦", "second"), stored.stream().map(Message::text).toList());
        assertEquals(hello, stored.get(0));
        // the same channel message id on another channel is another message
        boolean otherChannel = store.inTransaction(s -> s.messages().insert(
                inbound(new ChannelAddress("sms", "+8613800000000"), "client-1", hello.conversationId(), null, "sms")));
        assertTrue(otherChannel);
    }

    /** WeChat gives its time in whole seconds: three in one second are read back as they were stored. */
    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void messagesOfTheSameSecondAreReadInTheOrderTheyWereStored(TestDatabase.Kind kind) {
        JdbcStore store = open(kind);
        ChannelAddress openid = new ChannelAddress("wechat", "oSameSecond");
        Instant second = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String conversationId = store.inTransaction(s -> {
            String customer = s.customers().forAddress(openid, null).id();
            Conversation c = conversation(customer, openid);
            s.conversations().create(c);
            // ids that sort against the order they came in, as WeChat's name-based ones may
            for (String[] m : new String[][] {{"ffff", "一"}, {"8888", "二"}, {"0000", "三"}}) {
                s.messages().insert(new Message(m[0] + "-" + Ids.newId().substring(5), "msg-" + m[0], Direction.INBOUND, openid,
                        c.id(), customer, null, second, List.of(ContentPart.text(m[1])), Map.of()));
            }
            return c.id();
        });
        assertEquals(List.of("一", "二", "三"), store.inTransaction(s -> s.messages().inConversation(conversationId, 10))
                .stream().map(Message::text).toList());
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void openConversationsAreFoundByAddressAndListedNewestFirst(TestDatabase.Kind kind) {
        JdbcStore store = open(kind);
        ChannelAddress a = new ChannelAddress("webchat", "a");
        ChannelAddress b = new ChannelAddress("webchat", "b");
        String[] ids = store.inTransaction(s -> {
            Conversation ca = conversation(s.customers().forAddress(a, null).id(), a);
            Conversation cb = conversation(s.customers().forAddress(b, null).id(), b);
            s.conversations().create(ca);
            s.conversations().create(cb);
            s.conversations().touch(ca.id(), Instant.now().plusSeconds(5), true);
            return new String[] {ca.id(), cb.id()};
        });
        assertEquals(ids[0], store.inTransaction(s -> s.conversations().openOn(a)).orElseThrow().id());
        assertEquals(List.of(ids[0], ids[1]),
                store.inTransaction(s -> s.conversations().list(true, 10)).stream().map(Conversation::id).toList());
        assertTrue(store.inTransaction(s -> s.conversations().byId(ids[0])).orElseThrow().firstResponseAt() != null);

        store.inTransaction(s -> {
            s.conversations().changeState(ids[0], ConversationState.CLOSED, Instant.now());
            return null;
        });
        assertTrue(store.inTransaction(s -> s.conversations().openOn(a)).isEmpty());
        assertEquals(java.util.Optional.of(ConversationState.CLOSED), store.inTransaction(s -> s.conversations().stateOf(ids[0])));
        assertEquals(store.inTransaction(s -> s.conversations().byId(ids[1])).orElseThrow().state(),
                store.inTransaction(s -> s.conversations().stateOf(ids[1])).orElseThrow());
        assertTrue(store.inTransaction(s -> s.conversations().stateOf("no-such-conversation")).isEmpty());
        assertEquals(List.of(ids[1]),
                store.inTransaction(s -> s.conversations().list(true, 10)).stream().map(Conversation::id).toList());
        assertEquals(2, store.inTransaction(s -> s.conversations().list(false, 10)).size());
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aFailedTransactionLeavesNothingBehind(TestDatabase.Kind kind) {
        JdbcStore store = open(kind);
        ChannelAddress visitor = new ChannelAddress("webchat", "v-9");
        assertThrows(IllegalStateException.class, () -> store.inTransaction(s -> {
            s.customers().forAddress(visitor, null);
            throw new IllegalStateException("processing failed");
        }));
        assertTrue(store.inTransaction(s -> s.customers().byAddress(visitor)).isEmpty());
        // a message for a conversation that does not exist breaks a foreign key: a clear StoreException
        assertThrows(StoreException.class, () -> store.inTransaction(s ->
                s.messages().insert(inbound(visitor, "x", "no-such-conversation", null, "x"))));
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void migrationsAreRepeatableAndPluginsBringTheirOwnTables(TestDatabase.Kind kind) {
        JdbcStore store = open(kind);
        JdbcStore again = new JdbcStore(db.dataSource());
        again.migrate("plugin/changelog.xml", getClass().getClassLoader());
        again.migrate("plugin/changelog.xml", getClass().getClassLoader());
        store.inTransaction(s -> {
            try (Statement st = s.connection().createStatement()) {
                return st.executeUpdate("INSERT INTO plugin_note (id, note) VALUES (1, '备注')");
            }
        });
        assertTrue(store.isReachable());
    }
}
