package io.switchboard.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

    static final CanonicalJson JSON = new CanonicalJson();

    @AfterAll
    static void close() throws Exception {
        JSON.close();
    }

    @Test
    void messageRoundTripKeepsChineseAndEmoji() {
        Message m = new Message(Ids.newId(), "c-1", Direction.INBOUND, new ChannelAddress("webchat", "v-42"),
                "conv-1", "cust-1", null, Instant.parse("2026-11-22T10:15:30.123Z"),
                List.of(ContentPart.text("你好，我的行李超大 🧳"), ContentPart.event("subscribe")),
                Map.of("locale", "zh-CN"));
        String json = JSON.toJson(m);
        assertTrue(json.contains("你好，我的行李超大 🧳"), json);
        assertFalse(json.contains("agentId"), "nulls are left out: " + json);
        Message back = JSON.fromJson(json, Message.class);
        assertEquals(m, back);
        assertEquals("你好，我的行李超大 🧳", back.text());
        assertEquals("webchat:c-1", back.deduplicationId());
    }

    @Test
    void systemRequestsAndRepliesRoundTrip() {
        SystemRequest request = new SystemRequest("flow-1:billing", "billing", "accountStatus",
                Map.of("account", "BJ-0001"), "cust-1", "conv-1", BusAddress.systemReply("flows"),
                Instant.parse("2026-11-22T10:15:30.123Z"), null);
        assertEquals(request, JSON.fromJson(JSON.toJson(request), SystemRequest.class));
        assertEquals("sb.system.reply.flows", request.replyTo());
        SystemReply fault = new SystemReply(request.id(), "billing", "accountStatus", SystemReply.Status.FAULT,
                Map.of(), "账户不存在: BJ-0001", Instant.parse("2026-11-22T10:15:31Z"));
        assertEquals(fault, JSON.fromJson(JSON.toJson(fault), SystemReply.class));
    }

    @Test
    void customerAndConversationRoundTrip() {
        Customer c = new Customer("cust-1", "王小明", Customer.Tier.VIP, List.of("金卡"),
                List.of(new ChannelAddress("sms", "+8613800138000")), "wechat");
        assertEquals(c, JSON.fromJson(JSON.toJson(c), Customer.class));
        Conversation conv = new Conversation("conv-1", "cust-1", new ChannelAddress("webchat", "v"),
                ConversationState.QUEUED, List.of("luggage"), 5, null, Instant.EPOCH, Instant.EPOCH, Instant.EPOCH, null, null);
        assertEquals(conv, JSON.fromJson(JSON.toJson(conv), Conversation.class));
    }

    @Test
    void malformedJsonIsAnIllegalArgumentWithReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JSON.fromJson("{\"id\": ", Message.class));
        assertTrue(e.getMessage().toLowerCase().contains("json"), e.getMessage());
    }

    @Test
    void invalidModelIsRefusedWhileBinding() {
        String noParts = "{\"id\":\"x\",\"direction\":\"INBOUND\",\"address\":{\"channel\":\"webchat\",\"address\":\"v\"},"
                + "\"time\":\"2026-01-01T00:00:00Z\",\"parts\":[]}";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JSON.fromJson(noParts, Message.class));
        assertTrue(e.getMessage().contains("content part"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ChannelAddress("We Chat", "x"));
        assertThrows(IllegalArgumentException.class, () -> new ChannelAddress("sms", "  "));
    }

    @Test
    void addressNames() {
        assertEquals("sb.outbound.webchat", BusAddress.outbound("webchat"));
        assertEquals("sb.system.billing.request", BusAddress.systemRequest("billing"));
        assertEquals("DLQ.sb.inbound", BusAddress.deadLetter(BusAddress.INBOUND));
        assertThrows(IllegalArgumentException.class, () -> BusAddress.outbound("../x"));
    }

    @Test
    void idsAreUniqueAndTimeOrdered() throws Exception {
        String a = Ids.newId();
        Thread.sleep(2);
        String b = Ids.newId();
        assertTrue(a.compareTo(b) < 0, a + " < " + b);
        assertEquals(36, a.length());
    }
}
