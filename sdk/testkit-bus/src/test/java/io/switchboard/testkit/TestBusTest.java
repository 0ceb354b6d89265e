package io.switchboard.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.bus.Bus;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TestBusTest {

    TestBroker broker;
    TestBus bus;

    @BeforeEach
    void start() {
        broker = TestBroker.start();
        bus = TestBus.on(broker);
    }

    @AfterEach
    void stop() {
        bus.close();
        broker.close();
    }

    @Test
    void whatIsSentIsReceivedWithItsProperties() {
        bus.send("sb.test.in", "你好，世界", Map.of("sbPayloadType", "Message", "attempt", 2));

        // the broker answers a send once the message is stored; its queue counts it a moment later, on its own thread
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (broker.messageCount("sb.test.in") == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(1, broker.messageCount("sb.test.in"), "a send returns once the broker has the message");
        TestBus.Received received = bus.expect("sb.test.in", Duration.ofSeconds(5));
        assertEquals("你好，世界", received.body());
        assertEquals("Message", received.property("sbPayloadType"));
        assertEquals(2, received.property("attempt"));
        assertNull(bus.receive("sb.test.in", Duration.ofMillis(300)), "a message is taken once");
    }

    @Test
    void theBrokerDropsASecondMessageWithTheSameDuplicateId() {
        bus.send("sb.test.dup", "first", Map.of("_AMQ_DUPL_ID", "ext-1"));
        bus.send("sb.test.dup", "again", Map.of("_AMQ_DUPL_ID", "ext-1"));

        assertEquals("first", bus.expect("sb.test.dup", Duration.ofSeconds(5)).body());
        assertNull(bus.receive("sb.test.dup", Duration.ofMillis(500)));
    }

    @Test
    void expectFailsWhenNothingComes() {
        AssertionError error = assertThrows(AssertionError.class, () -> bus.expect("sb.test.empty", Duration.ofMillis(200)));
        assertTrue(error.getMessage().contains("sb.test.empty"), error.getMessage());
    }

    @Test
    void everySubscriberGetsACopyOfWhatIsPublished() {
        try (TestBus.Subscription first = bus.subscribe("sb.test.events");
             TestBus.Subscription second = bus.subscribe("sb.test.events")) {
            bus.publish("sb.test.events", "{\"type\":\"flight.cancelled\"}", Map.of("sbPayloadType", "BusinessEvent"));

            assertEquals("{\"type\":\"flight.cancelled\"}", first.expect(Duration.ofSeconds(5)).body());
            TestBus.Received copy = second.expect(Duration.ofSeconds(5));
            assertEquals("BusinessEvent", copy.property("sbPayloadType"));
            assertNull(first.receive(Duration.ofMillis(200)));
        }
    }

    @Test
    void aSubscriptionSeesOnlyWhatIsPublishedAfterIt() {
        bus.publish("sb.test.late", "before", Map.of());
        try (TestBus.Subscription late = bus.subscribe("sb.test.late")) {
            bus.publish("sb.test.late", "after", Map.of());
            assertEquals("after", late.expect(Duration.ofSeconds(5)).body());
        }
    }

    @Test
    void itIsTheBusTheCodeUnderTestTakes() {
        Bus asService = bus;
        assertTrue(asService.isReachable());
        broker.close();
        assertFalse(asService.isReachable(), "a stopped broker is not reachable");
        broker = TestBroker.start(); // for stop()
    }
}
