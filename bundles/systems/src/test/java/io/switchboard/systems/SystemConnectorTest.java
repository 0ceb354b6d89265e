package io.switchboard.systems;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.DomainEvent;
import io.switchboard.api.SystemReply;
import io.switchboard.api.SystemRequest;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.bus.internal.ArtemisBus;
import io.switchboard.testkit.TestBroker;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The request route on a real broker, with a system whose behaviour the test sets: answers, faults,
 * outages that keep requests on the bus until it is back, the breaker's system.down and system.up,
 * expiry, and one reply per request id.
 */
class SystemConnectorTest {

    static final String REPLIES = BusAddress.systemReply("test");
    static final String REQUESTS = BusAddress.systemRequest("parcels");

    /** What the pretend system does when asked: answer, refuse, or be unreachable. */
    volatile String mode = "up";
    final List<String> asked = new CopyOnWriteArrayList<>();
    final CanonicalJson json = new CanonicalJson();
    TestBroker broker;
    ArtemisBus bus;
    SystemConnector connector;
    CamelContext camel;
    Connection events;
    MessageConsumer eventConsumer;

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start();
        bus = ArtemisBus.connect(broker.amqpUrl(), "test", "test");
        connector = new SystemConnector("parcels", bus, this::call,
                new CallPolicy(2, Duration.ofMillis(600), Duration.ofMillis(50), Duration.ofMillis(300), Duration.ofSeconds(30)));
        events = bus.connectionFactory().createConnection();
        Session session = events.createSession(false, Session.AUTO_ACKNOWLEDGE);
        eventConsumer = session.createConsumer(session.createTopic(BusAddress.EVENTS));
        events.start();
        camel = new DefaultCamelContext();
        camel.addComponent("bus", BundleRoutes.busComponent(bus));
        camel.addRoutes(connector.routes());
        camel.start();
    }

    @AfterEach
    void stop() throws Exception {
        connector.stop();
        camel.stop();
        events.close();
        bus.deactivate();
        broker.close();
    }

    Map<String, String> call(SystemRequest request) throws SystemFault, SystemUnreachable {
        asked.add(request.id());
        return switch (mode) {
            case "up" -> Map.of("tracking", "SF" + request.params().get("ref"), "备注", "已受理");
            case "no" -> throw new SystemFault("E404", "运单 " + request.params().get("ref") + " 不存在");
            default -> throw new SystemUnreachable("cannot reach parcels: connection refused");
        };
    }

    void ask(String id, String ref, Instant expiresAt) {
        SystemRequest request = new SystemRequest(id, "parcels", "Track", Map.of("ref", ref), "c-1", null, REPLIES,
                Instant.now(), expiresAt);
        bus.send(REQUESTS, json.toJson(request), Map.of(BusAddress.DUPLICATE_ID, id));
    }

    SystemReply reply(long timeoutMs) throws Exception {
        TextMessage m = TestBroker.receive(bus.connectionFactory(), REPLIES, timeoutMs);
        return m == null ? null : json.fromJson(m.getText(), SystemReply.class);
    }

    List<DomainEvent> systemEvents(long timeoutMs) throws Exception {
        List<DomainEvent> seen = new ArrayList<>();
        long end = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < end) {
            TextMessage m = (TextMessage) eventConsumer.receive(100);
            if (m != null) {
                DomainEvent e = json.fromJson(m.getText(), DomainEvent.class);
                if (e.type().startsWith("system.")) {
                    seen.add(e);
                }
            }
        }
        return seen;
    }

    @Test
    void anAnswerAndARefusalAreRepliedOnceAndNeverRetried() throws Exception {
        ask("r-1", "1001", null);
        SystemReply ok = reply(10_000);
        assertNotNull(ok);
        assertEquals(SystemReply.Status.OK, ok.status());
        assertEquals("parcels", ok.system());
        assertEquals("Track", ok.operation());
        assertEquals(Map.of("tracking", "SF1001", "备注", "已受理"), ok.data());

        mode = "no";
        ask("r-2", "404", null);
        SystemReply fault = reply(10_000);
        assertEquals(SystemReply.Status.FAULT, fault.status());
        assertEquals("运单 404 不存在", fault.fault());
        assertEquals("E404", fault.data().get("faultCode"));
        assertNull(reply(1_000));
        assertEquals(List.of("r-1", "r-2"), asked, "a refusal is not asked again");
        assertEquals(0, broker.messageCount(BusAddress.deadLetter(REQUESTS)));
    }

    @Test
    void anOutageKeepsRequestsOnTheBusOpensTheBreakerAndEndsWithOneReplyEach() throws Exception {
        mode = "down";
        ask("r-3", "1", null);
        ask("r-4", "2", null);
        assertNull(reply(2_000), "no answer while the system is down");
        List<DomainEvent> down = systemEvents(500);
        assertEquals(1, down.size(), "down once, however often it is retried: " + down);
        assertEquals(DomainEvent.SYSTEM_DOWN, down.get(0).type());
        assertEquals("parcels", down.get(0).data().get("system"));
        assertTrue(down.get(0).data().get("reason").contains("connection refused"), down.toString());
        assertTrue(!"CLOSED".equals(connector.health().state()), connector.health().toString());
        assertNotNull(connector.health().downSince());
        assertEquals(0, broker.messageCount(BusAddress.deadLetter(REQUESTS)));

        mode = "up";
        SystemReply first = reply(10_000);
        SystemReply second = reply(10_000);
        assertEquals(List.of("r-3", "r-4"), List.of(first.requestId(), second.requestId()));
        assertEquals(SystemReply.Status.OK, first.status());
        assertNull(reply(1_000), "exactly one reply per request");
        assertEquals(List.of(DomainEvent.SYSTEM_UP), systemEvents(500).stream().map(DomainEvent::type).toList());
        assertEquals("CLOSED", connector.health().state());
        assertNull(connector.health().downSince());
    }

    @Test
    void aRequestHeldTooLongGoesBackToTheBusNotToTheDeadLetters() throws Exception {
        connector.configure(new CallPolicy(2, Duration.ofMillis(100), Duration.ofMillis(50), Duration.ofMillis(200),
                Duration.ofMillis(700)));
        mode = "down";
        ask("r-5", "5", null);
        assertNull(reply(3_000), "rolled back and taken again, several times");
        assertTrue(asked.size() >= 3, "asked again after going back to the bus: " + asked);
        assertEquals(0, broker.messageCount(BusAddress.deadLetter(REQUESTS)));
        mode = "up";
        SystemReply reply = reply(10_000);
        assertEquals("r-5", reply.requestId());
        assertEquals(SystemReply.Status.OK, reply.status());
        assertNull(reply(1_000));
    }

    @Test
    void aRequestPastItsTimeIsAnsweredExpiredWithTheLastFailure() throws Exception {
        ask("r-6", "6", Instant.now().minusSeconds(1));
        assertEquals(SystemReply.Status.EXPIRED, reply(10_000).status());
        assertTrue(asked.isEmpty(), "nobody is asked for an answer nobody wants");

        mode = "down";
        ask("r-7", "7", Instant.now().plusSeconds(2));
        SystemReply expired = reply(10_000);
        assertEquals(SystemReply.Status.EXPIRED, expired.status());
        assertTrue(expired.fault().startsWith("parcels was not reachable before"), expired.fault());
        assertTrue(expired.fault().contains("connection refused"), expired.fault());
    }

    @Test
    void aRepeatedRequestIdIsAnsweredOnce() throws Exception {
        ask("r-8", "8", null);
        ask("r-8", "8", null);
        assertNotNull(reply(10_000));
        assertNull(reply(1_500));
    }
}
