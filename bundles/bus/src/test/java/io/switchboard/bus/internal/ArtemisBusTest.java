package io.switchboard.bus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.BusAddress;
import io.switchboard.bus.Bus;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.bus.BusUnavailableException;
import io.switchboard.bus.DeadLetterQueue;
import io.switchboard.bus.DeadLetters;
import io.switchboard.testkit.TestBroker;
import jakarta.jms.TextMessage;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ArtemisBusTest {

    static TestBroker broker;
    static ArtemisBus bus;

    @BeforeAll
    static void start() {
        broker = TestBroker.start();
        bus = connect(broker.amqpUrl());
    }

    @AfterAll
    static void stop() {
        bus.deactivate();
        broker.close();
    }

    static ArtemisBus connect(String url) {
        return ArtemisBus.connect(url, "test", "test");
    }

    static TextMessage receive(Bus bus, String queue, long timeoutMs) throws Exception {
        return TestBroker.receive(bus.connectionFactory(), queue, timeoutMs);
    }

    @Test
    void aMessageSentIsDurableAcrossABrokerRestart() throws Exception {
        bus.send("sb.test.durable", "{\"text\":\"你好 👋\"}", Map.of(BusAddress.PAYLOAD_TYPE, "Message"));
        broker.restart();
        TextMessage m = receive(bus, "sb.test.durable", 10_000);
        assertNotNull(m, "message lost across restart");
        assertEquals("{\"text\":\"你好 👋\"}", m.getText());
        assertEquals("Message", m.getStringProperty(BusAddress.PAYLOAD_TYPE));
    }

    @Test
    void theSameDuplicateIdIsTakenOnce() throws Exception {
        Map<String, Object> props = Map.of(BusAddress.DUPLICATE_ID, "webchat:client-1");
        bus.send("sb.test.dupes", "first", props);
        bus.send("sb.test.dupes", "second", props);
        bus.send("sb.test.dupes", "other", Map.of(BusAddress.DUPLICATE_ID, "webchat:client-2"));
        assertEquals("first", receive(bus, "sb.test.dupes", 5000).getText());
        assertEquals("other", receive(bus, "sb.test.dupes", 5000).getText());
        assertNull(receive(bus, "sb.test.dupes", 300));
    }

    static io.switchboard.api.Message customerSays(String id, String channelMessageId, String conversationId, String text) {
        return new io.switchboard.api.Message(id, channelMessageId, io.switchboard.api.Direction.INBOUND,
                new io.switchboard.api.ChannelAddress("sms", "+8613800138000"), conversationId, null, null,
                java.time.Instant.parse("2026-12-06T10:00:00Z"), java.util.List.of(io.switchboard.api.ContentPart.text(text)), Map.of());
    }

    @Test
    void anInboundMessageIsGroupedByItsConversationOrElseItsAddressAndTakenOnce() throws Exception {
        bus.inbound(customerSays("m-1", "smsc-1", null, "我的包裹在哪里？"));
        bus.inbound(customerSays("m-1", "smsc-1", null, "我的包裹在哪里？")); // the SMSC delivered it again
        bus.inbound(customerSays("m-2", "smsc-2", "conv-7", "还在吗"));

        TextMessage first = receive(bus, BusAddress.INBOUND, 5000);
        io.switchboard.api.Message read = new io.switchboard.api.CanonicalJson().fromJson(first.getText(), io.switchboard.api.Message.class);
        assertEquals("我的包裹在哪里？", read.text());
        assertEquals("sms:+8613800138000", first.getStringProperty(BusAddress.GROUP_ID), "before a conversation: the address");
        assertEquals("sms:smsc-1", first.getStringProperty(BusAddress.DUPLICATE_ID));
        assertEquals("Message", first.getStringProperty(BusAddress.PAYLOAD_TYPE));
        TextMessage second = receive(bus, BusAddress.INBOUND, 5000);
        assertEquals("conv-7", second.getStringProperty(BusAddress.GROUP_ID), "in a conversation: the conversation");
        assertNull(receive(bus, BusAddress.INBOUND, 300), "the redelivered message must be dropped");
    }

    @Test
    void onlyACustomersMessageGoesInbound() {
        var reply = new io.switchboard.api.Message("r-1", null, io.switchboard.api.Direction.OUTBOUND,
                new io.switchboard.api.ChannelAddress("sms", "+8613800138000"), "conv-7", null, "agent-1",
                java.time.Instant.now(), java.util.List.of(io.switchboard.api.ContentPart.text("已发货")), Map.of());
        assertThrows(IllegalArgumentException.class, () -> bus.inbound(reply));
        assertThrows(IllegalArgumentException.class, () -> bus.inbound(null));
    }

    @Test
    void anUnreachableBrokerIsReportedNotSwallowed() {
        ArtemisBus nowhere = connect("amqp://127.0.0.1:" + TestBroker.freePort() + "?amqp.idleTimeout=0");
        try {
            assertFalse(nowhere.isReachable());
            assertThrows(BusUnavailableException.class, () -> nowhere.send("sb.test.x", "x", Map.of()));
            assertThrows(BusUnavailableException.class, () -> nowhere.inbound(customerSays("m-9", null, null, "在吗")));
        } finally {
            nowhere.deactivate();
        }
        assertTrue(bus.isReachable());
    }

    /**
     * A route's outage (here a remote system refusing connections for three seconds) is tried again with
     * back-off until it heals, long past the two quick retries a bug gets; once the bus' outage time is
     * over, it is dead-lettered with its reason.
     */
    @Test
    void anOutageIsTriedAgainUntilItHealsAndDeadLetteredOnlyAfterTheBusOutageTime() throws Exception {
        long healsAt = System.currentTimeMillis() + 3000;
        java.util.concurrent.atomic.AtomicInteger tries = new java.util.concurrent.atomic.AtomicInteger();
        CamelContext camel = new DefaultCamelContext();
        camel.addComponent("bus", BundleRoutes.busComponent(bus));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(DeadLetters.forAddress("sb.test.outage"));
                from("bus:queue:sb.test.outage").routeId("outage")
                        .process(e -> {
                            tries.incrementAndGet();
                            if (e.getMessage().getBody(String.class).contains("never") || System.currentTimeMillis() < healsAt) {
                                throw new java.io.UncheckedIOException(new java.net.ConnectException("Connection refused"));
                            }
                        })
                        .to("bus:queue:sb.test.healed");
            }
        });
        camel.start();
        try {
            camel.createProducerTemplate().sendBodyAndHeaders("bus:queue:sb.test.outage", "稍后", Map.of("sbPayloadType", "Message"));
            TextMessage healed = receive(bus, "sb.test.healed", 20_000);
            assertNotNull(healed, "the message did not go through once the outage was over");
            assertEquals("稍后", healed.getText());
            assertTrue(tries.get() > 3, "not tried beyond the quick retries: " + tries.get());
            DeadLetterQueue dlq = new DeadLetterQueue(bus, "DLQ.sb.test.outage");
            assertTrue(dlq.browse(10).isEmpty(), "an outage that healed was dead-lettered");

            bus.outageRetry = java.time.Duration.ofSeconds(2);
            tries.set(0);
            camel.createProducerTemplate().sendBodyAndHeaders("bus:queue:sb.test.outage", "never", Map.of("sbPayloadType", "Message"));
            long deadline = System.currentTimeMillis() + 20_000;
            while (dlq.browse(10).isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            var dead = dlq.browse(10);
            assertEquals(1, dead.size(), "not dead-lettered once the bus' outage time was over");
            assertTrue(dead.get(0).reason().contains("Connection refused"), dead.get(0).reason());
            assertTrue(tries.get() > 3, "dead-lettered after the quick retries, not the outage time: " + tries.get());
        } finally {
            camel.stop();
        }
    }

    @Test
    void aFailingMessageIsDeadLetteredWithItsReasonAndOutsideHeadersAreStripped() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean broken = new java.util.concurrent.atomic.AtomicBoolean(true);
        CamelContext camel = new DefaultCamelContext();
        camel.addComponent("bus", BundleRoutes.busComponent(bus));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(DeadLetters.forAddress("sb.test.failing"));
                from("bus:queue:sb.test.failing").routeId("failing")
                        .process(e -> {
                            if (broken.get() && e.getMessage().getBody(String.class).contains("boom")) {
                                throw new IllegalStateException("cannot handle 炸弹");
                            }
                        })
                        .to("bus:queue:sb.test.passed");
            }
        });
        camel.start();
        try {
            camel.createProducerTemplate().sendBodyAndHeaders("bus:queue:sb.test.failing", "boom",
                    Map.of("CamelFileName", "/etc/passwd", "JMSType", "evil", "sbPayloadType", "Message"));
            camel.createProducerTemplate().sendBodyAndHeaders("bus:queue:sb.test.failing", "fine",
                    Map.of("CamelFileName", "/etc/passwd", "X-Forwarded-For", "1.2.3.4", "sbPayloadType", "Message"));
            DeadLetterQueue dlq = new DeadLetterQueue(bus, "DLQ.sb.test.failing");
            long deadline = System.currentTimeMillis() + 10_000;
            while (dlq.browse(10).isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            var dead = dlq.browse(10);
            assertEquals(1, dead.size(), "failed message was lost instead of dead-lettered");
            assertEquals("boom", dead.get(0).body());
            assertEquals("java.lang.IllegalStateException: cannot handle 炸弹", dead.get(0).reason());
            assertEquals("sb.test.failing", dead.get(0).origin());
            TextMessage passed = receive(bus, "sb.test.passed", 10_000);
            assertEquals("fine", passed.getText());
            assertEquals("Message", passed.getStringProperty("sbPayloadType"));
            // JMSXDeliveryCount is the receiving broker's own, not something that crossed the edge
            var names = java.util.Collections.list((java.util.Enumeration<?>) passed.getPropertyNames()).stream()
                    .filter(n -> !n.equals("JMSXDeliveryCount")).toList();
            assertEquals(java.util.List.of("sbPayloadType"), names, "only Switchboard's own properties cross the edge");

            // once the cause is mended, a replay puts it back where it failed and it goes through
            broken.set(false);
            assertEquals(1, dlq.replay());
            TextMessage replayed = receive(bus, "sb.test.passed", 10_000);
            assertNotNull(replayed, "replayed message did not go through");
            assertEquals("boom", replayed.getText());
            assertEquals("Message", replayed.getStringProperty("sbPayloadType"));
            assertTrue(dlq.browse(10).isEmpty());

            // a message planted in the queue by whoever may write to it, naming another address as its origin,
            // goes back only to the address the queue belongs to
            camel.createProducerTemplate().sendBodyAndHeaders("bus:queue:DLQ.sb.test.failing", "planted 植入",
                    Map.of(io.switchboard.api.BusAddress.DEAD_LETTER_ORIGIN, "sb.test.elsewhere", "sbPayloadType", "Message"));
            assertEquals("sb.test.failing", dlq.browse(10).get(0).origin());
            assertEquals(1, dlq.replay());
            assertEquals("planted 植入", receive(bus, "sb.test.passed", 10_000).getText());
            assertNull(receive(bus, "sb.test.elsewhere", 1_000), "the replay went where the message said");
        } finally {
            camel.stop();
        }
    }

    @Test
    void aDeadLetterThatCannotBeSentIsNeverCommittedButLeftToTheBrokersRedelivery() throws Exception {
        java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
        CamelContext camel = new DefaultCamelContext();
        camel.addComponent("bus", BundleRoutes.busComponent(bus));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // as the broker answers when it refuses the send
                interceptSendToEndpoint("bus:queue:DLQ.sb.test.refused").skipSendToOriginalEndpoint()
                        .throwException(new IllegalStateException("AMQ229032: not authorized to send to DLQ.sb.test.refused"));
                errorHandler(DeadLetters.forAddress("sb.test.refused"));
                from("bus:queue:sb.test.refused?transacted=true").routeId("refused")
                        .process(e -> {
                            attempts.incrementAndGet();
                            throw new IllegalStateException("never handled");
                        });
            }
        });
        camel.start();
        try {
            camel.createProducerTemplate().sendBody("bus:queue:sb.test.refused", "kept 保留");
            long deadline = System.currentTimeMillis() + 30_000;
            while (attempts.get() < 30 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            // three tries in place for each of the broker's ten deliveries: each failure rolled back
            assertEquals(30, attempts.get());
            // then the broker's own dead-lettering took it, unchanged, to the queue it keeps for that address
            TextMessage dead = receive(bus, "DLQ::DLQ.sb.test.refused", 10_000);
            assertNotNull(dead, "the message was lost when its dead letter could not be sent");
            assertEquals("kept 保留", dead.getText());
        } finally {
            camel.stop();
        }
    }
}
