package io.switchboard.desk.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.DomainEvent;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.bus.internal.ArtemisBus;
import io.switchboard.testkit.TestBroker;
import io.switchboard.testkit.TestClock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AgentStreamsTest {

    static final Instant LATER = Instant.now().plusSeconds(3600);

    TestBroker broker;
    ArtemisBus bus;
    CamelContext camel;
    AgentStreams streams;
    final TestClock now = TestClock.at(Instant.now());
    final CanonicalJson json = new CanonicalJson();

    /** A browser: what the stream wrote, and whether it was ended. */
    static class Browser implements AgentStreams.Sink {
        final List<String> chunks = new CopyOnWriteArrayList<>();
        volatile boolean closed;
        volatile boolean gone;

        @Override
        public boolean send(String chunk) {
            if (gone || closed) {
                return false;
            }
            chunks.add(chunk);
            return true;
        }

        @Override
        public void finish(String lastChunk) {
            send(lastChunk);
            close();
        }

        @Override
        public void close() {
            closed = true;
        }

        List<String> events() {
            return chunks.stream().filter(c -> c.startsWith("event:")).toList();
        }
    }

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start();
        bus = ArtemisBus.connect(broker.amqpUrl(), "test", "test");
        streams = new AgentStreams(3600, now);
        camel = new DefaultCamelContext();
        camel.addComponent("bus", BundleRoutes.busComponent(bus));
        camel.addRoutes(new DeskRoutes(json, streams));
        camel.start();
    }

    @AfterEach
    void stop() {
        camel.stop();
        streams.close();
        bus.deactivate();
        broker.close();
    }

    void publish(DomainEvent event) {
        bus.publish(BusAddress.EVENTS, json.toJson(event), Map.of(BusAddress.DUPLICATE_ID, event.id()));
    }

    static DomainEvent event(String type, String conversationId, Map<String, String> data) {
        return new DomainEvent(UUID.randomUUID().toString(), type, Instant.parse("2025-01-02T03:04:05Z"), conversationId,
                "cust-1", data);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** The topic subscription starts in the background; events published before it are not for us. */
    void awaitSubscribed(Browser browser) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (browser.events().isEmpty()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("the desk route never subscribed to " + BusAddress.EVENTS);
            }
            publish(event("probe", null, Map.of()));
            Thread.sleep(100);
        }
        Thread.sleep(300);
        browser.chunks.clear();
    }

    @Test
    void aCallThatRingsAtOneAgentReachesTheirDeskAndTheSupervisorsNotAnotherAgents() throws Exception {
        Browser wang = new Browser();
        Browser li = new Browser();
        Browser lead = new Browser();
        streams.open("wang", LATER, wang);
        awaitSubscribed(wang);
        streams.open("li", LATER, li);
        streams.open(new io.switchboard.api.Staff("lin", java.util.Set.of("supervisor")), LATER, lead);

        publish(event(DomainEvent.CALL_OFFERED, null, Map.of("agentId", "wang", "ani", "+8613900000001", "customerName", "张伟")));
        publish(event(DomainEvent.CALL_OFFERED, null, Map.of("ani", "+8613900000002", "customerName", "李娜")));
        await("both calls at wang's desk and the supervisor's", () -> wang.events().size() >= 2 && lead.events().size() >= 2);
        await("the call for every desk at li's", () -> !li.events().isEmpty());
        Thread.sleep(300);
        assertEquals(1, li.events().size(), "only the call for every desk: " + li.events());
        assertTrue(li.events().get(0).contains("李娜") && !li.events().get(0).contains("张伟"), li.events().get(0));
        assertTrue(wang.events().get(0).contains("张伟"), wang.events().get(0));
    }

    @Test
    void everyDomainEventReachesEveryOpenStreamInOrderAsAServerSentEvent() throws Exception {
        Browser wang = new Browser();
        Browser li = new Browser();
        streams.open("wang", LATER, wang);
        await("the opening", () -> !wang.chunks.isEmpty());
        assertTrue(wang.chunks.get(0).startsWith("retry: "), "the stream says how soon to reconnect: " + wang.chunks);
        awaitSubscribed(wang);
        streams.open("li", LATER, li);

        DomainEvent queued = event(DomainEvent.CONVERSATION_QUEUED, "c-1", Map.of("skills", "售后:2", "reason", "客户要求转人工 🙋"));
        DomainEvent assigned = event(DomainEvent.CONVERSATION_ASSIGNED, "c-1", Map.of("agentId", "wang"));
        DomainEvent presence = event(DomainEvent.AGENT_PRESENCE, null, Map.of("agentId", "li", "presence", "AVAILABLE"));
        publish(queued);
        bus.publish(BusAddress.EVENTS, "not json {", Map.of());
        publish(assigned);
        publish(presence);
        await("three events for both", () -> wang.events().size() >= 3 && li.events().size() >= 3);

        List<String> expected = List.of(
                "event: conversation.queued\ndata: " + json.toJson(queued) + "\n\n",
                "event: conversation.assigned\ndata: " + json.toJson(assigned) + "\n\n",
                "event: agent.presence\ndata: " + json.toJson(presence) + "\n\n");
        assertEquals(expected, wang.events());
        assertEquals(expected, li.events());
        assertTrue(wang.events().get(0).contains("客户要求转人工 🙋"));
        assertFalse(json.toJson(queued).contains("\n"), "one data line per event");
    }

    @Test
    void aStreamWhoseBrowserIsGoneIsDroppedAndTheOthersCarryOn() throws Exception {
        Browser gone = new Browser();
        Browser staying = new Browser();
        streams.open("gone", LATER, gone);
        streams.open("staying", LATER, staying);
        awaitSubscribed(staying);
        gone.gone = true;
        publish(event(DomainEvent.CONVERSATION_CLOSED, "c-2", Map.of()));
        await("the live stream's event", () -> staying.events().size() == 1);
        await("the dead stream closed", () -> gone.closed);
        assertEquals(1, streams.openStreams());
    }

    @Test
    void heartbeatsKeepTheStreamOpenAndAStreamEndsWithItsLogin() throws Exception {
        Browser browser = new Browser();
        streams.open("wang", now.instant().plusSeconds(60), browser);
        streams.beat();
        await("a ping", () -> browser.chunks.contains(": ping\n\n"));
        assertFalse(browser.closed);

        now.set(now.instant().plusSeconds(61));
        streams.beat();
        await("the stream closed", () -> browser.closed);
        assertEquals("event: session.expired\ndata: {}\n\n", browser.chunks.get(browser.chunks.size() - 1));
        assertEquals(0, streams.openStreams());
    }
}
