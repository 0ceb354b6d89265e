package io.switchboard.bus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.BusAddress;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.bus.BusBatch;
import io.switchboard.bus.DeadLetterQueue;
import io.switchboard.testkit.TestBroker;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A batch is taken, handled and committed with what it sends as one; a message that cannot be handled fails alone. */
class BatchConsumerTest {

    TestBroker broker;
    ArtemisBus bus;
    CamelContext camel;
    final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() {
        broker = TestBroker.start();
        bus = ArtemisBus.connect(broker.amqpUrl(), "test", "test");
    }

    @AfterEach
    void stop() {
        if (camel != null) {
            camel.stop();
        }
        bus.deactivate();
        broker.close();
    }

    /** Until when the "database" the route writes to is away: the handler fails with what a dropped connection gives. */
    volatile long outageUntil;

    /** Handles each batch by passing every body on to sb.test.out; fails a batch holding "炸弹". */
    void route(String uri) throws Exception {
        camel = new DefaultCamelContext();
        camel.addComponent("bus", BundleRoutes.busComponent(bus));
        camel.addComponent("bus-batch", BundleRoutes.batchComponent(bus));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("batched").process(exchange -> {
                    List<BusBatch.Delivery> batch = BusBatch.deliveries(exchange);
                    batchSizes.add(batch.size());
                    if (System.currentTimeMillis() < outageUntil) {
                        throw new IllegalStateException("database: I/O error",
                                new java.sql.SQLException("An I/O error occurred while sending to the backend.", "08006"));
                    }
                    for (BusBatch.Delivery d : batch) {
                        // what the batch produced is named before the failure: it must not go out
                        BusBatch.send(exchange, "sb.test.out", "handled " + d.body(), Map.of(BusAddress.PAYLOAD_TYPE, "Message"));
                        if (d.body().equals("炸弹")) {
                            throw new IllegalStateException("cannot handle 炸弹");
                        }
                    }
                });
            }
        });
        camel.start();
    }

    List<String> drain(String queue, int expected) throws Exception {
        List<String> bodies = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 20_000;
        while (bodies.size() < expected && System.currentTimeMillis() < deadline) {
            TextMessage m = TestBroker.receive(bus.connectionFactory(), queue, 1000);
            if (m != null) {
                bodies.add(m.getText());
            }
        }
        assertNull(TestBroker.receive(bus.connectionFactory(), queue, 500), "more than " + expected + " on " + queue);
        return bodies;
    }

    @Test
    void readyMessagesAreTakenInBatchesAndWhatTheySendGoesOutOnce() throws Exception {
        for (int i = 0; i < 300; i++) {
            bus.send("sb.test.batch", "消息 " + i, Map.of(BusAddress.GROUP_ID, "conversation-" + (i % 7)));
        }
        route("bus-batch:sb.test.batch?size=50&consumers=2");

        List<String> out = drain("sb.test.out", 300);
        assertEquals(300, new TreeSet<>(out).size());
        assertTrue(batchSizes.stream().anyMatch(n -> n > 1), "never more than one at a time: " + batchSizes);
        assertTrue(batchSizes.stream().allMatch(n -> n <= 50), "a batch over its size: " + batchSizes);
    }

    @Test
    void aPoisonMessageIsDeadLetteredAloneAndTheRestOfItsBatchIsHandled() throws Exception {
        for (int i = 0; i < 20; i++) {
            bus.send("sb.test.poison", i == 7 ? "炸弹" : "消息 " + i, Map.of(BusAddress.PAYLOAD_TYPE, "Message"));
        }
        route("bus-batch:sb.test.poison?size=50&consumers=1");

        List<String> out = drain("sb.test.out", 19);
        assertEquals(19, new TreeSet<>(out).size(), "each of the others once: " + out);
        assertTrue(out.stream().noneMatch(b -> b.contains("炸弹")), out.toString());
        DeadLetterQueue dlq = new DeadLetterQueue(bus, BusAddress.deadLetter("sb.test.poison"));
        long deadline = System.currentTimeMillis() + 10_000;
        while (dlq.browse(10).isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        var dead = dlq.browse(10);
        assertEquals(1, dead.size());
        assertEquals("炸弹", dead.get(0).body());
        assertEquals("java.lang.IllegalStateException: cannot handle 炸弹", dead.get(0).reason());
        assertEquals("sb.test.poison", dead.get(0).origin());
        assertTrue(batchSizes.get(0) > 1, "the first batch held them together: " + batchSizes);
    }

    @Test
    void anOutageIsWaitedOutWithTheBatchWholeAndNothingIsDeadLettered() throws Exception {
        for (int i = 0; i < 30; i++) {
            bus.send("sb.test.outage", "消息 " + i, Map.of(BusAddress.PAYLOAD_TYPE, "Message"));
        }
        outageUntil = System.currentTimeMillis() + 3000;
        route("bus-batch:sb.test.outage?size=50&consumers=1");

        List<String> out = drain("sb.test.out", 30);
        assertEquals(30, new TreeSet<>(out).size(), "each once: " + out);
        assertTrue(batchSizes.size() >= 3, "the batch was not tried again during the outage: " + batchSizes);
        // tried again whole, not split into messages handled alone (which would dead-letter each after three)
        int first = batchSizes.get(0);
        assertTrue(batchSizes.subList(0, 3).stream().allMatch(n -> n == first), "the batch was split: " + batchSizes);
        assertTrue(new DeadLetterQueue(bus, BusAddress.deadLetter("sb.test.outage")).browse(10).isEmpty());
    }

    @Test
    void anOutageLongerThanTheBusWaitsDeadLettersWithItsReason() throws Exception {
        bus.outageRetry = java.time.Duration.ofSeconds(2);
        bus.send("sb.test.long-outage", "消息", Map.of(BusAddress.PAYLOAD_TYPE, "Message"));
        outageUntil = Long.MAX_VALUE;
        route("bus-batch:sb.test.long-outage?size=50&consumers=1");

        DeadLetterQueue dlq = new DeadLetterQueue(bus, BusAddress.deadLetter("sb.test.long-outage"));
        long deadline = System.currentTimeMillis() + 20_000;
        while (dlq.browse(10).isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        var dead = dlq.browse(10);
        assertEquals(1, dead.size(), "not dead-lettered once the outage time was over");
        assertTrue(dead.get(0).reason().contains("database: I/O error"), dead.get(0).reason());
        assertTrue(batchSizes.size() >= 3, "not tried again before: " + batchSizes);
    }
}
