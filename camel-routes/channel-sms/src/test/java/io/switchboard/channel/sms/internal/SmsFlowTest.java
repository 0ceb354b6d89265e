package io.switchboard.channel.sms.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.ChannelAddress;
import io.switchboard.api.ContentPart;
import io.switchboard.api.Direction;
import io.switchboard.api.DomainEvent;
import io.switchboard.api.Ids;
import io.switchboard.api.Message;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.bus.internal.ArtemisBus;
import io.switchboard.rest.SourceRate;
import io.switchboard.sandbox.smsc.SandboxSmsc;
import io.switchboard.store.internal.JdbcStore;
import io.switchboard.testkit.TestBroker;
import io.switchboard.testkit.TestDatabase;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The channel against the sandbox SMSC over a real TCP port, a real broker and H2: what a phone
 * sends reaches sb.inbound once and whole, what an agent sends reaches the SMSC split as the
 * standard says, and receipts come back as status and events.
 */
class SmsFlowTest {

    static final String PHONE = "+8613800138000";
    static final String OUR_NUMBER = "10690000";
    static final Duration WAIT = Duration.ofSeconds(10);
    /** Messages a minute per phone: more than any test but the flood sends from one number. */
    static final int RATE = 20;

    TestBroker broker;
    TestDatabase db;
    ArtemisBus bus;
    JdbcStore store;
    SandboxSmsc smsc;
    Running channel;
    final CanonicalJson json = new CanonicalJson();

    /** The channel as SmsChannel assembles it, minus OSGi. */
    record Running(SmscLink link, CamelContext camel) implements AutoCloseable {
        @Override
        public void close() {
            link.close();
            camel.stop();
        }
    }

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start();
        db = database();
        bus = ArtemisBus.connect(broker.amqpUrl(), "test", "test");
        store = new JdbcStore(db.dataSource());
        store.migrate(SmsChannel.CHANGELOG, getClass().getClassLoader());
        smsc = SandboxSmsc.start(0, "switchboard", "secret");
        channel = startChannel();
        smsc.awaitBound(WAIT);
    }

    /** H2 here; {@link SmsFlowPostgresTest} runs the same on PostgreSQL. */
    TestDatabase database() {
        return TestDatabase.h2();
    }

    Running startChannel() throws Exception {
        return startChannel(50);
    }

    Running startChannel(int maxPerSecond) throws Exception {
        Deliveries deliveries = new Deliveries(bus, json);
        SmsChannel.InboundPort port = new SmsChannel.InboundPort(bus);
        Inbox inbox = new Inbox(store, port, deliveries, new PhoneNumbers("86"), json, new SourceRate(RATE));
        SmscLink link = new SmscLink(new SmscLink.Settings("127.0.0.1", smsc.port(), "switchboard", "secret", "",
                Duration.ofSeconds(5), Duration.ofMillis(200), maxPerSecond, Duration.ofSeconds(5)), inbox);
        CamelContext camel = new DefaultCamelContext();
        camel.addComponent("bus", BundleRoutes.busComponent(bus));
        camel.addRoutes(new SmsRoutes(store, link, inbox, deliveries, json, OUR_NUMBER, Duration.ofMinutes(10),
                Duration.ofSeconds(1)));
        camel.start();
        link.start();
        return new Running(link, camel);
    }

    @AfterEach
    void stop() {
        channel.close();
        smsc.close();
        bus.deactivate();
        broker.close();
        db.close();
    }

    TextMessage take(String queue, long timeoutMs) throws Exception {
        return TestBroker.receive(bus.connectionFactory(), queue, timeoutMs);
    }

    Message inbound(long timeoutMs) throws Exception {
        TextMessage m = take(BusAddress.INBOUND, timeoutMs);
        return m == null ? null : json.fromJson(m.getText(), Message.class);
    }

    // ---- in

    @Test
    void aLongChineseMessageFromAPhoneIsOneMessageOnTheBus() throws Exception {
        String text = SmsTextTest.chinese300();
        List<SandboxSmsc.Part> parts = smsc.parts(PHONE, OUR_NUMBER, text, false);
        assertEquals(5, parts.size());
        parts.forEach(smsc::deliver);

        TextMessage onBus = take(BusAddress.INBOUND, 5000);
        assertNotNull(onBus, "the reassembled message did not reach sb.inbound");
        Message m = json.fromJson(onBus.getText(), Message.class);
        assertEquals(text, m.text());
        assertEquals(new ChannelAddress("sms", PHONE), m.address());
        assertEquals(Direction.INBOUND, m.direction());
        assertEquals("5", m.headers().get("smsParts"));
        assertTrue(m.channelMessageId().startsWith(PHONE + "/"), m.channelMessageId());
        assertEquals("sms:" + PHONE, onBus.getStringProperty(BusAddress.GROUP_ID));
        assertEquals("Message", onBus.getStringProperty(BusAddress.PAYLOAD_TYPE));
        assertNull(inbound(300), "more than one message for one long SMS");
    }

    @Test
    void aPartSentTwiceIsNotDoubledInWhateverOrderPartsCome() throws Exception {
        String text = "请问我的订单什么时候发货？订单号 2024-1188，收件人王小明，地址北京市海淀区中关村大街1号。".repeat(3) + "谢谢！🙏";
        List<SandboxSmsc.Part> parts = smsc.parts(PHONE, OUR_NUMBER, text, true);
        assertTrue(parts.size() >= 3);
        smsc.deliver(parts.get(1));
        smsc.deliver(parts.get(0));
        smsc.deliver(parts.get(1)); // the SMSC did not hear our answer and sends it again
        for (int i = 2; i < parts.size(); i++) {
            smsc.deliver(parts.get(i));
        }
        smsc.deliver(parts.get(parts.size() - 1)); // and again after the message was complete

        Message m = inbound(5000);
        assertNotNull(m);
        assertEquals(text, m.text());
        assertNull(inbound(500), "a repeated part made a second message");
    }

    @Test
    void aRestartBetweenPartsLosesNothing() throws Exception {
        String text = "您好，我想咨询一下宽带续费的事情。".repeat(10);
        List<SandboxSmsc.Part> parts = smsc.parts(PHONE, OUR_NUMBER, text, false);
        assertTrue(parts.size() >= 3);
        smsc.deliver(parts.get(0));
        smsc.deliver(parts.get(1));
        channel.close();
        assertNull(inbound(200));

        channel = startChannel();
        smsc.awaitBinds(2, WAIT);
        for (int i = 2; i < parts.size(); i++) {
            smsc.deliver(parts.get(i));
        }
        Message m = inbound(5000);
        assertNotNull(m);
        assertEquals(text, m.text());
        assertNull(inbound(300));
    }

    @Test
    void aPhoneOverItsRateIsToldToRetryLaterAndItsMessageIsNotLost() throws Exception {
        String flooder = "+8613900000077";
        for (int i = 0; i < RATE; i++) {
            smsc.deliver(flooder, OUR_NUMBER, "刷屏 " + i);
        }
        for (int i = 0; i < RATE; i++) {
            assertNotNull(inbound(WAIT.toMillis()));
        }
        SandboxSmsc.Part over = smsc.parts(flooder, OUR_NUMBER, "多一条", false).get(0);
        IllegalStateException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> smsc.deliver(over));
        assertTrue(refused.getMessage().contains("Negative response 00000064"), "not ESME_RX_T_APPN: " + refused.getMessage());
        assertNull(inbound(500), "an over-rate message reached the bus");
        // 20 a minute: a token is back after three seconds, and the SMSC's retry is taken
        Thread.sleep(3_200);
        smsc.deliver(over);
        assertEquals("多一条", inbound(WAIT.toMillis()).parts().get(0).text());
    }

    @Test
    void anUnreadableMessageIsTakenAndKeptOnTheDeadLetterQueueWithItsReason() throws Exception {
        // an empty message says nothing: the SMSC must not send it for ever, and it must not vanish
        smsc.deliver(new SandboxSmsc.Part(PHONE, OUR_NUMBER, 0, 8, new byte[0]));
        TextMessage dead = take(BusAddress.deadLetter(BusAddress.INBOUND), WAIT.toMillis());
        assertNotNull(dead, "nothing on DLQ.sb.inbound");
        assertTrue(dead.getStringProperty(BusAddress.DEAD_LETTER_REASON).startsWith("unreadable deliver_sm"),
                dead.getStringProperty(BusAddress.DEAD_LETTER_REASON));
        assertTrue(dead.getText().contains("\"source\":\"" + PHONE.substring(1)), dead.getText());
        assertNull(inbound(300));
    }

    @Test
    void latinTextComesInGsm7() throws Exception {
        String text = "Hello! Where is parcel #42? Price: €10 {urgent} @home";
        List<SandboxSmsc.Part> parts = smsc.deliver(PHONE, OUR_NUMBER, text);
        assertEquals(1, parts.size());
        assertEquals(0, parts.get(0).dataCoding());
        Message m = inbound(5000);
        assertNotNull(m);
        assertEquals(text, m.text());
    }

    @Test
    void theChannelBindsAgainWhenTheSmscDropsTheLink() throws Exception {
        smsc.dropLinks();
        // the link waits its reconnectDelay (5 s) before it binds again, and again if that bind fails:
        // 10 s failed once on a loaded machine
        smsc.awaitBinds(2, Duration.ofSeconds(30));
        smsc.deliver(PHONE, OUR_NUMBER, "还在吗？");
        Message m = inbound(5000);
        assertNotNull(m);
        assertEquals("还在吗？", m.text());
    }

    // ---- out

    Message reply(String text) {
        return new Message(Ids.newId(), null, Direction.OUTBOUND, new ChannelAddress("sms", PHONE), Ids.newId(), null,
                "agent", Instant.now(), List.of(ContentPart.text(text)), Map.of());
    }

    void send(Message m) {
        channel.camel().createProducerTemplate().sendBody("bus:queue:" + SmsRoutes.OUTBOUND, json.toJson(m));
    }

    String status(String messageId) {
        return store.inTransaction(s -> Outbox.status(s, messageId)).orElse(null);
    }

    void awaitStatus(String messageId, String wanted) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT.toMillis();
        while (!wanted.equals(status(messageId)) && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(wanted, status(messageId));
    }

    @Test
    void threeHundredChineseCharactersGoOutInFivePartsTheSmscPutsBackTogether() throws Exception {
        String text = SmsTextTest.chinese300();
        Message m = reply(text);
        send(m);
        SandboxSmsc.Received r = smsc.awaitMessages(1, WAIT).get(0);
        assertEquals(text, r.text());
        assertEquals(5, r.parts());
        assertEquals(8, r.dataCoding());
        assertEquals(PHONE, r.destination());
        assertEquals(OUR_NUMBER, r.source());
        assertEquals(5, smsc.submitted().size());
        for (SandboxSmsc.Submitted s : smsc.submitted()) {
            assertEquals(1, s.registeredDelivery() & 0x03, "a delivery receipt is asked for");
            assertEquals(0x40, s.esmClass() & 0x40, "parts carry a user data header");
        }
        awaitStatus(m.id(), Outbox.DELIVERED);
    }

    @Test
    void aReceiptMarksTheMessageDeliveredAndSaysSoOnTheEventsBus() throws Exception {
        try (Connection c = bus.connectionFactory().createConnection();
             Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
             MessageConsumer events = session.createConsumer(session.createTopic(BusAddress.EVENTS))) {
            c.start();
            Message m = reply("您好，您的包裹已发出。");
            send(m);
            awaitStatus(m.id(), Outbox.DELIVERED);
            List<DomainEvent> seen = new ArrayList<>();
            long deadline = System.currentTimeMillis() + WAIT.toMillis();
            while (seen.stream().noneMatch(e -> "DELIVERED".equals(e.data().get("status")))
                    && System.currentTimeMillis() < deadline) {
                TextMessage t = (TextMessage) events.receive(500);
                if (t != null) {
                    seen.add(json.fromJson(t.getText(), DomainEvent.class));
                }
            }
            DomainEvent delivered = seen.stream().filter(e -> "DELIVERED".equals(e.data().get("status")))
                    .findFirst().orElseThrow(() -> new AssertionError("no DELIVERED event in " + seen));
            assertEquals(Deliveries.EVENT, delivered.type());
            assertEquals(m.id(), delivered.data().get("messageId"));
            assertEquals(m.conversationId(), delivered.conversationId());
            assertEquals("sms", delivered.data().get("channel"));
        }
    }

    @Test
    void anUndeliverableReceiptMarksTheMessageFailed() throws Exception {
        smsc.receiptState("UNDELIV");
        Message m = reply("Your code is 1234");
        send(m);
        awaitStatus(m.id(), Outbox.FAILED);
        assertEquals(0, smsc.awaitMessages(1, WAIT).get(0).dataCoding(), "Latin text goes as GSM-7");
    }

    @Test
    void aThrottledPartIsRetriedWithoutSendingTheOthersTwice() throws Exception {
        String text = "长".repeat(150); // three parts
        smsc.refuseSubmits(0x58, 1);
        Message m = reply(text);
        send(m);
        SandboxSmsc.Received r = smsc.awaitMessages(1, WAIT).get(0);
        assertEquals(text, r.text());
        assertEquals(3, smsc.submitted().size(), "a part went twice");
        awaitStatus(m.id(), Outbox.DELIVERED);
    }

    @Test
    void submissionsArePacedToTheAgreedThroughput() throws Exception {
        channel.close();
        channel = startChannel(4);
        smsc.awaitBinds(2, WAIT);
        send(reply(SmsTextTest.chinese300())); // five parts at four a second
        smsc.awaitMessages(1, WAIT);
        List<SandboxSmsc.Submitted> parts = smsc.submitted();
        assertEquals(5, parts.size());
        Duration spread = Duration.between(parts.get(0).at(), parts.get(4).at());
        assertTrue(spread.toMillis() >= 900, "5 parts at 4/s took only " + spread);
    }

    @Test
    void anSmscThatKeepsRefusingSendsTheMessageToTheDeadLetterQueueWithItsReason() throws Exception {
        smsc.refuseSubmits(0x58, 1_000);
        Message m = reply("您好");
        send(m);
        TextMessage dead = take(BusAddress.deadLetter(SmsRoutes.OUTBOUND), 20_000);
        assertNotNull(dead, "nothing dead-lettered");
        String reason = dead.getStringProperty(BusAddress.DEAD_LETTER_REASON);
        assertTrue(reason.contains("ESME_RTHROTTLED"), reason);
        assertEquals(m.id(), json.fromJson(dead.getText(), Message.class).id());
        assertEquals(Outbox.SENDING, status(m.id()));
        assertTrue(smsc.messages().isEmpty());
    }
}
