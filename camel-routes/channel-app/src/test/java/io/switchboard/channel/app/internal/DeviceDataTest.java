package io.switchboard.channel.app.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.CanonicalJson;
import io.switchboard.api.ChannelAddress;
import io.switchboard.api.ContentPart;
import io.switchboard.api.Conversation;
import io.switchboard.api.ConversationState;
import io.switchboard.api.Direction;
import io.switchboard.api.Ids;
import io.switchboard.api.Message;
import io.switchboard.store.StoreSession;
import io.switchboard.store.internal.JdbcStore;
import io.switchboard.testkit.TestDatabase;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Replies of a conversation past the retention period lose what they said and keep their numbers. */
class DeviceDataTest {

    static final String USER = "shop/u-1001";

    final CanonicalJson json = new CanonicalJson();
    TestDatabase db;
    JdbcStore store;

    @BeforeEach
    void start() {
        db = TestDatabase.h2();
        store = new JdbcStore(db.dataSource());
        store.migrate(AppChannel.CHANGELOG, getClass().getClassLoader());
    }

    @AfterEach
    void stop() {
        db.close();
    }

    /** A conversation with the app user and an agent's reply in it, numbered on the user's offline queue. */
    void conversationWithReply(StoreSession s, String conversationId, String text) throws SQLException {
        ChannelAddress user = new ChannelAddress(Lines.CHANNEL, USER);
        String customer = s.customers().forAddress(user, null).id();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        if (s.conversations().byId(conversationId).isEmpty()) {
            s.conversations().create(new Conversation(conversationId, customer, user, ConversationState.ASSIGNED, List.of(), 0,
                    "alice", now, now, now, null, null));
        }
        Message reply = new Message(Ids.newId(), null, Direction.OUTBOUND, user, conversationId, customer, "alice", now,
                List.of(ContentPart.text(text)), Map.of());
        s.messages().insert(reply);
        Deliveries.record(s, USER, reply.id(), seq -> json.toJson(Frames.ToDevice.message(seq, reply.id(), now.toString(), "alice", text)));
    }

    @Test
    void theRepliesOfAnExpiredConversationAreEmptiedAndEveryNumberStays() {
        String expired = Ids.newId();
        String kept = Ids.newId();
        store.inTransaction(s -> {
            conversationWithReply(s, expired, "您的快递单号是 SF1234567890");
            conversationWithReply(s, expired, "寄到朝阳区 1 号");
            conversationWithReply(s, kept, "还有别的问题吗？");
            return null;
        });

        store.inTransaction(s -> {
            new DeviceData().expire(s, List.of(expired));
            return null;
        });

        List<Deliveries.Delivery> queue = store.inTransaction(s -> Deliveries.after(s, USER, 0, 10));
        assertEquals(List.of(1L, 2L, 3L), queue.stream().map(Deliveries.Delivery::seq).toList(),
                "a device that missed them still counts 1, 2, 3 without a gap");
        for (Deliveries.Delivery d : queue.subList(0, 2)) {
            Frames.ToDevice frame = json.fromJson(d.frame(), Frames.ToDevice.class);
            assertEquals("msg", frame.t());
            assertEquals(d.seq(), frame.seq());
            assertEquals("", frame.text());
            assertFalse(d.frame().contains("SF1234567890") || d.frame().contains("朝阳区"), d.frame());
        }
        assertTrue(queue.get(2).frame().contains("还有别的问题吗？"), "a reply of a conversation that stays is as it was");
    }
}
