package io.switchboard.channel.webchat.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.ContentPart;
import io.switchboard.api.Direction;
import io.switchboard.api.Ids;
import io.switchboard.api.Message;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.bus.internal.ArtemisBus;
import io.switchboard.rest.ProblemException;
import io.switchboard.store.internal.JdbcStore;
import io.switchboard.testkit.TestBroker;
import io.switchboard.testkit.TestDatabase;
import jakarta.jms.TextMessage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebchatFlowTest {

    TestBroker broker;
    TestDatabase db;
    ArtemisBus bus;
    JdbcStore store;
    CamelContext camel;
    Streams streams;
    VisitorApi api;
    final CanonicalJson json = new CanonicalJson();

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start();
        db = TestDatabase.h2();
        bus = ArtemisBus.connect(broker.amqpUrl(), "test", "test");
        store = new JdbcStore(db.dataSource());
        store.migrate(WebchatChannel.CHANGELOG, getClass().getClassLoader());
        streams = new Streams(store, 60, new io.switchboard.rest.EventStream.Limits(60_000, 65_536, 30_000));
        camel = new DefaultCamelContext();
        camel.addComponent("bus", BundleRoutes.busComponent(bus));
        camel.addComponent("bus-batch", BundleRoutes.batchComponent(bus));
        camel.addRoutes(new WebchatRoutes(store, streams, json));
        camel.start();
        api = new VisitorApi(store, bus::inbound, 20, new io.switchboard.rest.SourceRate(30));
    }

    @AfterEach
    void stop() {
        camel.stop();
        streams.close();
        bus.deactivate();
        broker.close();
        db.close();
    }

    TextMessage take(long timeoutMs) throws Exception {
        return TestBroker.receive(bus.connectionFactory(), BusAddress.INBOUND, timeoutMs);
    }

    javax.ws.rs.core.Response post(VisitorApi.Incoming in) {
        return api.accept(in, "10.0.0.1");
    }

    @Test
    void aPostIsOnTheBusOnceWithItsIdsEvenWhenResent() throws Exception {
        var first = (VisitorApi.Accepted) post(new VisitorApi.Incoming(null, "你好 👋", "m-1")).getEntity();
        assertTrue(first.visitorId().matches(Visitors.ID_PATTERN));
        var again = (VisitorApi.Accepted) post(new VisitorApi.Incoming(first.visitorId(), "你好 👋", "m-1")).getEntity();
        assertEquals(first, again, "a resend must get the same ids");
        var next = (VisitorApi.Accepted) post(new VisitorApi.Incoming(first.visitorId(), "second", "m-2")).getEntity();
        assertEquals(first.conversationId(), next.conversationId());
        assertNotEquals(first.messageId(), next.messageId());

        TextMessage onBus = take(5000);
        Message m = json.fromJson(onBus.getText(), Message.class);
        assertEquals(first.messageId(), m.id());
        assertEquals("你好 👋", m.text());
        assertEquals(first.conversationId(), m.conversationId());
        assertEquals(first.conversationId(), onBus.getStringProperty(BusAddress.GROUP_ID));
        assertEquals("second", json.fromJson(take(5000).getText(), Message.class).text());
        assertNull(take(300), "the resend reached the bus");

        // another visitor using the same client id is another message
        var other = (VisitorApi.Accepted) post(new VisitorApi.Incoming(null, "hi", "m-1")).getEntity();
        assertNotEquals(first.messageId(), other.messageId());
        assertNotEquals(first.conversationId(), other.conversationId());
        assertNotNull(take(5000));
    }

    @Test
    void badInputIsRefusedAndNothingReachesTheBus() throws Exception {
        assertEquals(400, status(() -> post(new VisitorApi.Incoming(null, " ", null))));
        assertEquals(400, status(() -> post(new VisitorApi.Incoming("short", "hi", null))));
        assertEquals(400, status(() -> post(new VisitorApi.Incoming(null, "hi", "has spaces"))));
        assertEquals(400, status(() -> post(null)));
        assertEquals(413, status(() -> post(new VisitorApi.Incoming(null, "长".repeat(21), null))));
        assertEquals(202, post(new VisitorApi.Incoming(null, "长".repeat(20), null)).getStatus());
        assertNotNull(take(5000));
        assertNull(take(300));
    }

    @Test
    void anAddressOverItsRateIs429WithRetryAfterAndNothingGoesOnTheBus() throws Exception {
        int accepted = 0;
        javax.ws.rs.WebApplicationException refused = null;
        for (int i = 0; i < 40 && refused == null; i++) {
            try {
                api.accept(new VisitorApi.Incoming(null, "刷屏 " + i, "flood-" + i), "10.9.9.9");
                accepted++;
            } catch (javax.ws.rs.WebApplicationException e) {
                refused = e;
            }
        }
        assertEquals(30, accepted, "the rate is 30 a minute");
        assertEquals(429, refused.getResponse().getStatus());
        assertEquals("2", refused.getResponse().getHeaderString("Retry-After"));
        assertEquals(202, api.accept(new VisitorApi.Incoming(null, "另一个人", "other-1"), "10.9.9.10").getStatus(),
                "another address has its own rate");
        for (int i = 0; i < 31; i++) {
            assertNotNull(take(5000));
        }
        assertNull(take(300), "a refused message reached the bus");
    }

    static int status(Runnable call) {
        return assertThrows(ProblemException.class, call::run).getResponse().getStatus();
    }

    @Test
    void repliesAreRecordedOnceInOrderForTheVisitor() throws Exception {
        String visitor = Visitors.newVisitorId();
        Message one = reply(visitor, "您好");
        Message two = reply(visitor, "还在吗？");
        var producer = camel.createProducerTemplate();
        producer.sendBody("bus:queue:" + WebchatRoutes.OUTBOUND, json.toJson(one));
        producer.sendBody("bus:queue:" + WebchatRoutes.OUTBOUND, json.toJson(two));
        producer.sendBody("bus:queue:" + WebchatRoutes.OUTBOUND, json.toJson(one)); // a redelivery
        long deadline = System.currentTimeMillis() + 10_000;
        List<Deliveries.Delivery> seen = List.of();
        while (System.currentTimeMillis() < deadline) {
            seen = store.inTransaction(s -> Deliveries.after(s, visitor, 0, 10));
            if (seen.size() >= 2) {
                break;
            }
            Thread.sleep(50);
        }
        Thread.sleep(300);
        seen = store.inTransaction(s -> Deliveries.after(s, visitor, 0, 10));
        assertEquals(List.of("您好", "还在吗？"), seen.stream().map(d -> json.fromJson(d.body(), Message.class).text()).toList());
        long firstSeq = seen.get(0).seq();
        assertEquals(List.of(seen.get(1)), store.inTransaction(s -> Deliveries.after(s, visitor, firstSeq, 10)));
    }

    static Message reply(String visitor, String text) {
        return new Message(Ids.newId(), null, Direction.OUTBOUND, Visitors.address(visitor), Ids.newId(), null, "agent",
                Instant.now(), List.of(ContentPart.text(text)), Map.of());
    }
}
