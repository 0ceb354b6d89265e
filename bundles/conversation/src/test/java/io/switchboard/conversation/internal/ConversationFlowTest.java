package io.switchboard.conversation.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.ChannelAddress;
import io.switchboard.api.ContentPart;
import io.switchboard.api.Conversation;
import io.switchboard.api.Direction;
import io.switchboard.api.Ids;
import io.switchboard.api.Message;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.bus.internal.ArtemisBus;
import io.switchboard.store.internal.JdbcStore;
import io.switchboard.testkit.TestBroker;
import io.switchboard.testkit.TestDatabase;
import jakarta.jms.TextMessage;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The inbound route and the agent desk against a real broker and a real (H2) database. */
class ConversationFlowTest extends FlowTestBase {

    @Test
    void aVisitorMessageOpensAConversationAndTheAgentReplyGoesToTheChannel() throws Exception {
        String conversationId = Ids.newId();
        put(visitorSays("v-1", "c-1", conversationId, "你好！我的快递丢了 😢"));
        Conversation opened = await(() -> desk.conversations(true, 10).stream().findFirst().orElse(null));
        assertEquals(conversationId, opened.id());
        assertEquals("你好！我的快递丢了 😢", await(() -> {
            List<Message> t = desk.timeline(conversationId, 10);
            return t.isEmpty() ? null : t.get(0).text();
        }));

        Message reply = desk.reply(conversationId, "agent-7", "您好，我来帮您查一下。", "r-1");
        TextMessage out = receive("sb.outbound.webchat");
        assertNotNull(out, "reply never reached the channel's outbound address");
        Message sent = json.fromJson(out.getText(), Message.class);
        assertEquals(reply.id(), sent.id());
        assertEquals(new ChannelAddress("webchat", "v-1"), sent.address());
        assertEquals("您好，我来帮您查一下。", sent.text());
        assertEquals(conversationId, out.getStringProperty(BusAddress.GROUP_ID));

        // the agent's retry of the same reply is neither stored nor delivered twice
        desk.reply(conversationId, "agent-7", "您好，我来帮您查一下。", "r-1");
        assertNull(receiveNow("sb.outbound.webchat"));
        assertEquals(2, desk.timeline(conversationId, 10).size());
        assertNotNull(desk.conversations(true, 1).get(0).firstResponseAt());
    }

    /** Replies that come at once are committed in groups: each still stored and sent once, a bad one failing alone. */
    @Test
    void concurrentRepliesAreEachStoredAndSentOnceAndAReplyToAClosedConversationFailsAlone() throws Exception {
        int n = 12;
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = Ids.newId();
            ids.add(id);
            put(visitorSays("v-" + i, "c-" + i, id, "在吗 " + i));
        }
        await(() -> desk.conversations(true, 100).size() == n ? true : null);
        desk.close(ids.get(3), "agent-7");

        java.util.concurrent.ExecutorService agents = java.util.concurrent.Executors.newFixedThreadPool(n);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<Message>> replies = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                String id = ids.get(i);
                int k = i;
                replies.add(agents.submit(() -> {
                    go.await();
                    return desk.reply(id, "agent-7", "回复 " + k, "rr-" + k);
                }));
            }
            go.countDown();
            for (int i = 0; i < n; i++) {
                if (i == 3) {
                    java.util.concurrent.ExecutionException failed = assertThrows(java.util.concurrent.ExecutionException.class,
                            () -> replies.get(3).get(10, java.util.concurrent.TimeUnit.SECONDS));
                    assertTrue(failed.getCause() instanceof IllegalStateException, failed.getCause().toString());
                } else {
                    assertEquals("回复 " + i, replies.get(i).get(10, java.util.concurrent.TimeUnit.SECONDS).text());
                }
            }
        } finally {
            agents.shutdownNow();
        }
        java.util.Set<String> sent = new java.util.HashSet<>();
        for (int i = 0; i < n - 1; i++) {
            TextMessage out = receive("sb.outbound.webchat");
            assertNotNull(out, "only " + sent + " reached the channel");
            sent.add(json.fromJson(out.getText(), Message.class).text());
        }
        assertNull(receiveNow("sb.outbound.webchat"), "a reply went out twice, or the failed one went out");
        assertEquals(n - 1, sent.size());
        for (int i = 0; i < n; i++) {
            List<String> timeline = desk.timeline(ids.get(i), 10).stream().map(Message::text).toList();
            assertEquals(i == 3 ? List.of("在吗 3") : List.of("在吗 " + i, "回复 " + i), timeline);
        }
    }

    @Test
    void aRedeliveredMessageIsStoredOnceAndLaterMessagesContinueTheConversation() throws Exception {
        Message first = visitorSays("v-2", "c-1", null, "first");
        put(first);
        String conversationId = await(() -> desk.conversations(true, 10).stream().findFirst().map(Conversation::id).orElse(null));
        // the same channel message arriving again past the broker's duplicate cache (e.g. a replay)
        Message again = new Message(Ids.newId(), "c-1", Direction.INBOUND, first.address(), null, null, null,
                first.time(), first.parts(), Map.of());
        bus.send(BusAddress.INBOUND, json.toJson(again), Map.of());
        put(visitorSays("v-2", "c-2", null, "second"));
        List<String> texts = await(() -> {
            List<Message> t = desk.timeline(conversationId, 10);
            return t.size() >= 2 ? t.stream().map(Message::text).toList() : null;
        });
        Thread.sleep(300);
        assertEquals(List.of("first", "second"), desk.timeline(conversationId, 10).stream().map(Message::text).toList(), texts.toString());
        assertEquals(1, desk.conversations(false, 10).size());
    }

    @Test
    void aMessageThatCannotBeProcessedIsDeadLetteredWithItsReason() throws Exception {
        bus.send(BusAddress.INBOUND, "{\"id\": \"x\", \"direction\": \"INBOUND\"", Map.of(BusAddress.PAYLOAD_TYPE, "Message"));
        TextMessage dead = receive("DLQ.sb.inbound");
        assertNotNull(dead, "the poison message was lost");
        assertEquals("{\"id\": \"x\", \"direction\": \"INBOUND\"", dead.getText());
        assertTrue(dead.getStringProperty(BusAddress.DEAD_LETTER_REASON).startsWith("java.lang.IllegalArgumentException"),
                dead.getStringProperty(BusAddress.DEAD_LETTER_REASON));
        assertEquals("sb.inbound", dead.getStringProperty(BusAddress.DEAD_LETTER_ORIGIN));
        assertTrue(desk.conversations(false, 10).isEmpty());
    }

    @Test
    void repliesNeedAnOpenKnownConversationAndText() {
        assertThrows(NoSuchElementException.class, () -> desk.reply("nope", "a", "hi", null));
        assertThrows(IllegalArgumentException.class, () -> desk.reply("nope", "a", " ", null));
        assertThrows(IllegalArgumentException.class, () -> desk.reply("nope", "a", "hi", "bad id with spaces"));
        assertThrows(NoSuchElementException.class, () -> desk.timeline("nope", 10));
    }
}
