package io.switchboard.systems;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.BusAddress;
import io.switchboard.api.DomainEvent;
import io.switchboard.api.SystemReply;
import io.switchboard.api.SystemRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The request route on a real broker, with a system whose behaviour the test sets: answers, faults,
 * outages that keep requests on the bus until it is back, the breaker's system.down and system.up,
 * expiry, and one reply per request id.
 */
class SystemConnectorTest {

    static final String REQUESTS = BusAddress.systemRequest("parcels");

    /** What the pretend system does when asked: answer, refuse, or be unreachable. */
    volatile String mode = "up";
    final List<String> asked = new CopyOnWriteArrayList<>();
    ConnectorBench bench;

    @BeforeEach
    void start() throws Exception {
        bench = ConnectorBench.start("parcels", this::call,
                new CallPolicy(2, Duration.ofMillis(600), Duration.ofMillis(50), Duration.ofMillis(300), Duration.ofSeconds(30)));
    }

    @AfterEach
    void stop() throws Exception {
        bench.close();
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
        bench.send(new SystemRequest(id, "parcels", "Track", Map.of("ref", ref), "c-1", null, ConnectorBench.REPLIES,
                Instant.now(), expiresAt), id);
    }

    @Test
    void anAnswerAndARefusalAreRepliedOnceAndNeverRetried() throws Exception {
        ask("r-1", "1001", null);
        SystemReply ok = bench.reply(10_000);
        assertNotNull(ok);
        assertEquals(SystemReply.Status.OK, ok.status());
        assertEquals("parcels", ok.system());
        assertEquals("Track", ok.operation());
        assertEquals(Map.of("tracking", "SF1001", "备注", "已受理"), ok.data());

        mode = "no";
        ask("r-2", "404", null);
        SystemReply fault = bench.reply(10_000);
        assertEquals(SystemReply.Status.FAULT, fault.status());
        assertEquals("运单 404 不存在", fault.fault());
        assertEquals("E404", fault.data().get("faultCode"));
        assertNull(bench.reply(1_000));
        assertEquals(List.of("r-1", "r-2"), asked, "a refusal is not asked again");
        assertEquals(0, bench.broker().messageCount(BusAddress.deadLetter(REQUESTS)));
    }

    @Test
    void anOutageKeepsRequestsOnTheBusOpensTheBreakerAndEndsWithOneReplyEach() throws Exception {
        mode = "down";
        ask("r-3", "1", null);
        ask("r-4", "2", null);
        assertNull(bench.reply(2_000), "no answer while the system is down");
        List<DomainEvent> down = bench.systemEvents(500);
        assertEquals(1, down.size(), "down once, however often it is retried: " + down);
        assertEquals(DomainEvent.SYSTEM_DOWN, down.get(0).type());
        assertEquals("parcels", down.get(0).data().get("system"));
        assertTrue(down.get(0).data().get("reason").contains("connection refused"), down.toString());
        assertTrue(!"CLOSED".equals(bench.connector().health().state()), bench.connector().health().toString());
        assertNotNull(bench.connector().health().downSince());
        assertEquals(0, bench.broker().messageCount(BusAddress.deadLetter(REQUESTS)));

        mode = "up";
        SystemReply first = bench.reply(10_000);
        SystemReply second = bench.reply(10_000);
        assertEquals(List.of("r-3", "r-4"), List.of(first.requestId(), second.requestId()));
        assertEquals(SystemReply.Status.OK, first.status());
        assertNull(bench.reply(1_000), "exactly one reply per request");
        assertEquals(List.of(DomainEvent.SYSTEM_UP), bench.systemEvents(500).stream().map(DomainEvent::type).toList());
        assertEquals("CLOSED", bench.connector().health().state());
        assertNull(bench.connector().health().downSince());
    }

    @Test
    void aRequestHeldTooLongGoesBackToTheBusNotToTheDeadLetters() throws Exception {
        bench.connector().configure(new CallPolicy(2, Duration.ofMillis(100), Duration.ofMillis(50), Duration.ofMillis(200),
                Duration.ofMillis(700)));
        mode = "down";
        ask("r-5", "5", null);
        assertNull(bench.reply(3_000), "rolled back and taken again, several times");
        assertTrue(asked.size() >= 3, "asked again after going back to the bus: " + asked);
        assertEquals(0, bench.broker().messageCount(BusAddress.deadLetter(REQUESTS)));
        mode = "up";
        SystemReply reply = bench.reply(10_000);
        assertEquals("r-5", reply.requestId());
        assertEquals(SystemReply.Status.OK, reply.status());
        assertNull(bench.reply(1_000));
    }

    @Test
    void aRequestPastItsTimeIsAnsweredExpiredWithTheLastFailure() throws Exception {
        ask("r-6", "6", Instant.now().minusSeconds(1));
        assertEquals(SystemReply.Status.EXPIRED, bench.reply(10_000).status());
        assertTrue(asked.isEmpty(), "nobody is asked for an answer nobody wants");

        mode = "down";
        ask("r-7", "7", Instant.now().plusSeconds(2));
        SystemReply expired = bench.reply(10_000);
        assertEquals(SystemReply.Status.EXPIRED, expired.status());
        assertTrue(expired.fault().startsWith("parcels was not reachable before"), expired.fault());
        assertTrue(expired.fault().contains("connection refused"), expired.fault());
    }

    @Test
    void aRepeatedRequestIdIsAnsweredOnce() throws Exception {
        ask("r-8", "8", null);
        ask("r-8", "8", null);
        assertNotNull(bench.reply(10_000));
        assertNull(bench.reply(1_500));
    }
}
