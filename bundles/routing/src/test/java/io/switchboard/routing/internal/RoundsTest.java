package io.switchboard.routing.internal;

import static io.switchboard.routing.internal.RoutingFixture.now;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Agent;
import io.switchboard.api.Assignment;
import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.ConversationState;
import io.switchboard.api.DomainEvent;
import io.switchboard.api.RoutingRequest;
import io.switchboard.api.RoutingStrategy;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.bus.internal.ArtemisBus;
import io.switchboard.testkit.TestBroker;
import io.switchboard.testkit.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Rounds against the real store: what is queued and who is available in the database decides. */
class RoundsTest {

    RoutingFixture fx;
    final AtomicReference<RoutingStrategy> plugged = new AtomicReference<>();
    Rounds rounds;

    @BeforeEach
    void open() {
        fx = new RoutingFixture(TestDatabase.h2());
        rounds = new Rounds(fx.store, fx.desk, plugged::get, new Rounds.Settings(Duration.ofSeconds(60), 10_000),
                Clock.systemUTC());
    }

    @AfterEach
    void close() {
        rounds.close();
        fx.close();
    }

    @Test
    void queuedConversationsGoToQualifiedAvailableAgents() {
        Instant t = now();
        fx.agent("alice", Map.of("billing", 5), Map.of("webchat", 2), t.minusSeconds(600));
        fx.agent("bob", Map.of(), Map.of("*", 2), t.minusSeconds(300));
        fx.agent("carol", Map.of("billing", 9), Map.of("*", 9), Agent.Presence.OFFLINE, Agent.Workplace.CENTRE,
                t.minusSeconds(9000));
        fx.agent("dave", Map.of("billing", 9), Map.of("*", 9), Agent.Presence.AWAY, Agent.Workplace.CENTRE,
                t.minusSeconds(9000));
        fx.queued("c-billing", "webchat", List.of("billing:3"), 0, t.minusSeconds(20));
        fx.queued("c-any", "webchat", List.of(), 0, t.minusSeconds(10));
        fx.queued("c-legal", "webchat", List.of("legal"), 0, t.minusSeconds(30));

        Rounds.Outcome outcome = rounds.round();

        assertEquals(3, outcome.queued());
        assertEquals(ConversationState.ASSIGNED, fx.stored("c-billing").state());
        assertEquals("alice", fx.stored("c-billing").assignedAgentId());
        assertEquals("bob", fx.stored("c-any").assignedAgentId(), "alice was just given one: bob is idle longer now");
        assertEquals(ConversationState.QUEUED, fx.stored("c-legal").state(), "nobody has legal");
        assertTrue(fx.desk.reasons.contains("c-billing->alice: skills billing>=3"), fx.desk.reasons.toString());
        assertTrue(!fx.idleSince("alice").isBefore(t), "alice's idle clock restarted");
        Rounds.Figures figures = rounds.figures();
        assertEquals(1, figures.rounds());
        assertEquals(2, figures.assignments());
        assertEquals(3, figures.lastQueued());
        assertEquals(SkillRouting.class.getName(), figures.strategy());
    }

    @Test
    void whatAnAgentCarriesInTheDatabaseCountsAgainstTheirCapacity() {
        Instant t = now();
        fx.agent("alice", Map.of(), Map.of("webchat", 1, "*", 1), t.minusSeconds(60));
        fx.conversation("busy", "webchat", ConversationState.WAITING, List.of(), 0, t.minusSeconds(500), "alice");
        fx.queued("web", "webchat", List.of(), 0, t.minusSeconds(50));
        fx.queued("sms", "sms", List.of(), 0, t.minusSeconds(40));

        rounds.round();

        assertEquals(ConversationState.QUEUED, fx.stored("web").state(), "alice is full on webchat");
        assertEquals("alice", fx.stored("sms").assignedAgentId(), "but not on sms");
        assertEquals(List.of(), rounds.round().applied(), "and now on sms too");
    }

    @Test
    void aVipIsServedBeforeSomeoneWhoWaitedLonger() {
        Instant t = now();
        fx.agent("alice", Map.of(), Map.of("*", 1), t.minusSeconds(60));
        fx.queued("standard", "webchat", List.of(), 0, t.minusSeconds(300));
        fx.queued("vip", "webchat", List.of(), Rounds.VIP_PRIORITY, t.minusSeconds(5));

        rounds.round();

        assertEquals("alice", fx.stored("vip").assignedAgentId());
        assertEquals(ConversationState.QUEUED, fx.stored("standard").state());
        assertTrue(fx.desk.reasons.contains("vip->alice: VIP"), fx.desk.reasons.toString());
    }

    @Test
    void homeAgentsTakeOverflowOnly() {
        Instant t = now();
        fx.agent("remote", Map.of(), Map.of("*", 5), Agent.Presence.AVAILABLE, Agent.Workplace.HOME, t.minusSeconds(60));
        fx.queued("fresh", "webchat", List.of(), 0, t.minusSeconds(5));
        fx.queued("long", "webchat", List.of(), 0, t.minusSeconds(61));

        rounds.round();

        assertEquals(ConversationState.QUEUED, fx.stored("fresh").state());
        assertEquals("remote", fx.stored("long").assignedAgentId());
        assertTrue(fx.desk.reasons.contains("long->remote: overflow HOME"), fx.desk.reasons.toString());
    }

    @Test
    void aQueueBelowItsServiceLevelTargetOverflowsAtOnceAndStopsWhenItRecovers() {
        Instant t = now();
        fx.agent("remote", Map.of("宽带", 5), Map.of("*", 5), Agent.Presence.AVAILABLE, Agent.Workplace.REMOTE,
                t.minusSeconds(60));
        fx.queued("broadband", "sms", List.of("宽带:2"), 0, t.minusSeconds(5));
        fx.queued("general", "sms", List.of(), 0, t.minusSeconds(5));
        rounds.round();
        assertEquals(ConversationState.QUEUED, fx.stored("broadband").state(), "no KPI bundle: no early overflow");

        // the KPI bundle's breach state (switchboard-kpis, table kpi_queue_state), as it keeps it
        fx.store.inTransaction(s -> {
            try (var st = s.connection().createStatement()) {
                st.execute("CREATE TABLE kpi_queue_state (queue varchar(500) PRIMARY KEY, breached boolean NOT NULL)");
                st.execute("INSERT INTO kpi_queue_state VALUES ('宽带:2', TRUE)");
            }
            return null;
        });
        rounds.round();
        assertEquals("remote", fx.stored("broadband").assignedAgentId(), "the breached queue overflows at once");
        assertEquals(ConversationState.QUEUED, fx.stored("general").state(), "another queue waits its overflow time");
        assertTrue(fx.desk.reasons.contains("broadband->remote: skills 宽带>=2; overflow REMOTE"), fx.desk.reasons.toString());

        fx.store.inTransaction(s -> {
            try (var st = s.connection().createStatement()) {
                st.execute("UPDATE kpi_queue_state SET breached = FALSE");
            }
            return null;
        });
        fx.queued("later", "sms", List.of("宽带:2"), 0, now().minusSeconds(5));
        rounds.round();
        assertEquals(ConversationState.QUEUED, fx.stored("later").state(), "recovered: the overflow time applies again");
    }

    @Test
    void aPluggedStrategyDecidesAndItsNonsenseIsIgnored() {
        Instant t = now();
        fx.agent("alice", Map.of(), Map.of("*", 5), t.minusSeconds(60));
        fx.agent("bob", Map.of(), Map.of("*", 5), t.minusSeconds(600));
        fx.queued("c1", "webchat", List.of(), 0, t.minusSeconds(5));
        fx.queued("c2", "webchat", List.of(), 0, t.minusSeconds(4));
        fx.conversation("closed", "webchat", ConversationState.CLOSED, List.of(), 0, t.minusSeconds(90), null);
        RoutingStrategy everythingToAlice = new RoutingStrategy() {
            @Override
            public List<Assignment> route(RoutingRequest request) {
                return List.of(new Assignment("c1", "alice", "plugin"), new Assignment("c1", "bob", "twice"),
                        new Assignment("closed", "alice", "not queued"), new Assignment("c2", "nobody", "no such agent"));
            }
        };
        plugged.set(everythingToAlice);

        Rounds.Outcome outcome = rounds.round();

        assertEquals(List.of(new Assignment("c1", "alice", "plugin")), outcome.applied());
        assertEquals("alice", fx.stored("c1").assignedAgentId());
        assertEquals(ConversationState.QUEUED, fx.stored("c2").state());
        assertEquals(ConversationState.CLOSED, fx.stored("closed").state());
        assertEquals(everythingToAlice.getClass().getName(), rounds.figures().strategy());
    }

    @Test
    void aBrokenPluggedStrategyFallsBackToTheDefault() {
        Instant t = now();
        fx.agent("alice", Map.of(), Map.of("*", 5), t.minusSeconds(60));
        fx.queued("c1", "webchat", List.of(), 0, t.minusSeconds(5));
        plugged.set(request -> {
            throw new IllegalStateException("plugin bug");
        });

        rounds.round();

        assertEquals("alice", fx.stored("c1").assignedAgentId());
        assertEquals(1, rounds.figures().failures());
        assertTrue(rounds.figures().lastError().contains("plugin bug"));
    }

    @Test
    void aConversationTakenMeanwhileIsALostRaceNotAFailure() {
        Instant t = now();
        fx.agent("alice", Map.of(), Map.of("*", 5), t.minusSeconds(60));
        fx.queued("c1", "webchat", List.of(), 0, t.minusSeconds(5));
        fx.desk.loseEveryRace = true;

        Rounds.Outcome outcome = rounds.round();

        assertEquals(1, outcome.decided());
        assertEquals(List.of(), outcome.applied());
        assertEquals(1, rounds.figures().lostRaces());
        assertEquals(0, rounds.figures().failures());
        assertEquals(0, rounds.figures().assignments());
    }

    @Test
    void unreadableSkillsKeepOneConversationBackNotTheQueue() {
        Instant t = now();
        fx.agent("alice", Map.of("billing", 5), Map.of("*", 5), t.minusSeconds(60));
        fx.queued("broken", "webchat", List.of("billing:high"), 0, t.minusSeconds(50));
        fx.queued("fine", "webchat", List.of("billing:2"), 0, t.minusSeconds(5));

        rounds.round();

        assertEquals(ConversationState.QUEUED, fx.stored("broken").state());
        assertEquals("alice", fx.stored("fine").assignedAgentId());
        assertNotNull(rounds.figures().lastError());
    }

    @Test
    void nothingQueuedReadsNoAgents() {
        fx.agent("alice", Map.of(), Map.of("*", 5), now());
        Rounds.Outcome outcome = rounds.round();
        assertEquals(0, outcome.queued());
        assertEquals(1, rounds.figures().rounds());
        assertNull(rounds.figures().lastError());
    }

    /** On the bus: an event that may free a conversation starts a round at once, not at the next tick. */
    @Test
    void aDomainEventStartsARoundAtOnce() throws Exception {
        try (TestBroker broker = TestBroker.start()) {
            ArtemisBus bus = ArtemisBus.connect(broker.amqpUrl(), "test", "test");
            CamelContext camel = new DefaultCamelContext();
            try {
                CanonicalJson json = new CanonicalJson();
                camel.addComponent("bus", BundleRoutes.busComponent(bus));
                camel.addRoutes(new EventRoutes(json, rounds::nudge));
                java.util.concurrent.atomic.AtomicInteger received = new java.util.concurrent.atomic.AtomicInteger();
                java.util.concurrent.atomic.AtomicBoolean last = new java.util.concurrent.atomic.AtomicBoolean();
                // what reaches the route's one processor is what the broker delivered to the listener
                camel.getCamelContextExtension().addInterceptStrategy((context, definition, target, next) -> exchange -> {
                    String body = exchange.getMessage().getBody(String.class);
                    if (body != null && body.contains("\"" + DomainEvent.MESSAGE_RECEIVED + "\"")) {
                        received.incrementAndGet();
                    }
                    if (body != null && body.contains("\"last\"")) {
                        last.set(true);
                    }
                    target.process(exchange);
                });
                camel.start();
                rounds.start(3_600_000); // one round now, the next in an hour unless nudged
                await(() -> rounds.figures().rounds() >= 1);

                Instant t = now();
                fx.agent("alice", Map.of(), Map.of("*", 5), t.minusSeconds(60));
                fx.queued("c1", "webchat", List.of(), 0, t.minusSeconds(5));
                long deadline = System.currentTimeMillis() + 1500;
                while (System.currentTimeMillis() < deadline) {
                    publish(bus, json, DomainEvent.MESSAGE_RECEIVED, Map.of());
                    Thread.sleep(100);
                }
                assertEquals(ConversationState.QUEUED, fx.stored("c1").state(), "a received message changes nothing for routing");

                await(() -> {
                    // the subscription starts in the background: repeat until it hears
                    publish(bus, json, DomainEvent.CONVERSATION_QUEUED, Map.of("skills", ""));
                    return fx.stored("c1").state() == ConversationState.ASSIGNED;
                });
                assertEquals("alice", fx.stored("c1").assignedAgentId());

                // its selector keeps the commonest event of all from routing's listener: the broker never sends
                // it. One topic keeps its order, so once the event after them is heard, they would have been.
                for (int i = 0; i < 10; i++) {
                    publish(bus, json, DomainEvent.MESSAGE_RECEIVED, Map.of());
                }
                publish(bus, json, DomainEvent.CONVERSATION_CLOSED, Map.of("last", "yes"));
                await(last::get);
                assertEquals(0, received.get(), "message.received reached routing's listener");
            } finally {
                rounds.close();
                camel.stop();
                bus.deactivate();
            }
        }
    }

    static void publish(ArtemisBus bus, CanonicalJson json, String type, Map<String, String> data) {
        DomainEvent event = new DomainEvent(type + ":" + io.switchboard.api.Ids.newId(), type, now(), "c1", null, data);
        bus.publish(BusAddress.EVENTS, json.toJson(event), event.busProperties());
    }

    static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("condition not met in 15 s");
    }
}
