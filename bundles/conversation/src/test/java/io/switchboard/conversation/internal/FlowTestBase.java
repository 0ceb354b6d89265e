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

/** A real broker and a real (H2) database with the inbound route running, for the flow tests. */
abstract class FlowTestBase {

    TestBroker broker;
    TestDatabase db;
    ArtemisBus bus;
    JdbcStore store;
    CamelContext camel;
    Desk desk;
    Outbox outbox;
    final CanonicalJson json = new CanonicalJson();

    /** Without the bot, conversations go straight to the queue. */
    InboundRoutes.Policy policy() {
        return new InboundRoutes.Policy(false, java.time.Duration.ofMinutes(30));
    }

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start();
        db = TestDatabase.h2();
        bus = ArtemisBus.connect(broker.amqpUrl(), "test", "test");
        store = new JdbcStore(db.dataSource());
        camel = new DefaultCamelContext();
        camel.addComponent("bus", BundleRoutes.busComponent(bus));
        camel.addComponent("bus-batch", BundleRoutes.batchComponent(bus));
        camel.addRoutes(new InboundRoutes(store, json, policy()));
        camel.start();
        outbox = new Outbox(store, bus, json, java.time.Duration.ofMillis(200));
        desk = new Desk(store, bus, json, outbox);
    }

    @AfterEach
    void stop() {
        camel.stop();
        outbox.close();
        bus.deactivate();
        broker.close();
        db.close();
    }

    Message visitorSays(String visitor, String clientId, String conversationId, String text) {
        return new Message(Ids.newId(), clientId, Direction.INBOUND, new ChannelAddress("webchat", visitor), conversationId,
                null, null, Instant.now().truncatedTo(ChronoUnit.MICROS), List.of(ContentPart.text(text)), Map.of());
    }

    void put(Message m) {
        bus.send(BusAddress.INBOUND, json.toJson(m), Map.of(BusAddress.DUPLICATE_ID, m.deduplicationId(),
                BusAddress.GROUP_ID, m.address().toString()));
    }

    static <T> T await(Supplier<T> probe) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < deadline) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("condition not met in 15 s");
    }

    TextMessage receive(String queue) throws Exception {
        return receive(queue, 10_000);
    }

    /** Nothing there within a short wait: what the tests expect after a duplicate. */
    TextMessage receiveNow(String queue) throws Exception {
        return receive(queue, 500);
    }

    TextMessage receive(String queue, long timeoutMs) throws Exception {
        return TestBroker.receive(bus.connectionFactory(), queue, timeoutMs);
    }
}
