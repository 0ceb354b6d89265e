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

    @Test
    void anUnreachableBrokerIsReportedNotSwallowed() {
        ArtemisBus nowhere = connect("amqp://127.0.0.1:" + TestBroker.freePort() + "?amqp.idleTimeout=0");
        try {
            assertFalse(nowhere.isReachable());
            assertThrows(BusUnavailableException.class, () -> nowhere.send("sb.test.x", "x", Map.of()));
        } finally {
            nowhere.deactivate();
        }
        assertTrue(bus.isReachable());
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
        } finally {
            camel.stop();
        }
    }
}
