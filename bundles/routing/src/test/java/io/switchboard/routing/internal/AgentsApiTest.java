package io.switchboard.routing.internal;

import static io.switchboard.routing.internal.RoutingFixture.now;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Agent;
import io.switchboard.api.ConversationState;
import io.switchboard.api.DomainEvent;
import io.switchboard.testkit.TestDatabase;
import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.ws.rs.ForbiddenException;
import javax.ws.rs.core.SecurityContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The /agents resource methods on a real store, called as CXF would after the login filter. */
class AgentsApiTest {

    static final Rounds.Figures NO_ROUNDS = new Rounds.Figures(0, 0, 0, 0, 0, 0, 0, 0, 0, SkillRouting.class.getName(), null, null);

    RoutingFixture fx;
    final List<DomainEvent> published = new CopyOnWriteArrayList<>();
    final AtomicInteger nudges = new AtomicInteger();
    AgentsApi api;

    AgentsApi open(TestDatabase.Kind kind, Clock clock) {
        fx = new RoutingFixture(TestDatabase.create(kind));
        api = new AgentsApi(fx.store, Duration.ofSeconds(30), () -> NO_ROUNDS, published::add, nudges::incrementAndGet, clock);
        return api;
    }

    AgentsApi open() {
        return open(TestDatabase.Kind.H2, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        if (fx != null) {
            fx.close();
        }
    }

    static SecurityContext as(String user, String... roles) {
        Set<String> granted = Set.of(roles);
        return new SecurityContext() {
            public Principal getUserPrincipal() {
                return () -> user;
            }

            public boolean isUserInRole(String role) {
                return granted.contains(role);
            }

            public boolean isSecure() {
                return false;
            }

            public String getAuthenticationScheme() {
                return BASIC_AUTH;
            }
        };
    }

    static AgentsApi.Profile profile(Map<String, Integer> skills, Map<String, Integer> capacity, String workplace) {
        return new AgentsApi.Profile("王芳", skills, capacity, workplace);
    }

    @Test
    void anAdminMakesAProfileAndEveryoneSeesItWithPresenceAndLoad() {
        open();
        AgentsApi.AgentStatus saved = api.save("wang.fang", profile(Map.of("售后", 3, "billing", 10),
                Map.of("webchat", 3, "*", 1), "home"));
        assertEquals("王芳", saved.name());
        assertEquals(Map.of("售后", 3, "billing", 10), saved.skills());
        assertEquals(Agent.Workplace.HOME, saved.workplace());
        assertEquals(Agent.Presence.OFFLINE, saved.presence(), "a new agent starts offline");
        assertEquals(1, nudges.get(), "more room may route a waiting conversation");

        fx.conversation("c1", "webchat", ConversationState.ASSIGNED, List.of(), 0, now().minusSeconds(60), "wang.fang");
        fx.conversation("c2", "sms", ConversationState.WAITING, List.of(), 0, now().minusSeconds(60), "wang.fang");
        AgentsApi.AgentStatus listed = api.agents().stream().filter(a -> a.id().equals("wang.fang")).findFirst().orElseThrow();
        assertEquals(Map.of("webchat", 1, "sms", 1), listed.active());
        assertEquals(2, listed.load());

        AgentsApi.AgentStatus again = api.save("wang.fang", new AgentsApi.Profile(null, Map.of(), Map.of("*", 2), null));
        assertEquals("wang.fang", again.name(), "no name: the login");
        assertEquals(Map.of(), again.skills(), "a PUT replaces the profile");
        assertEquals(Agent.Workplace.CENTRE, again.workplace());
    }

    @Test
    void onlyAnAdminChangesProfiles() throws Exception {
        // the REST layer refuses everyone else before the method runs (RealmLogin; the access matrix in CoreIT)
        assertEquals(List.of("admin"), List.of(AgentsApi.class.getMethod("save", String.class, AgentsApi.Profile.class)
                .getAnnotation(javax.annotation.security.RolesAllowed.class).value()));
    }

    @Test
    void profilesAreValidated() {
        open();
        Map<String, AgentsApi.Profile> bad = new HashMap<>();
        bad.put("level 0", profile(Map.of("billing", 0), Map.of(), null));
        bad.put("level 11", profile(Map.of("billing", 11), Map.of(), null));
        bad.put("skill with a colon", profile(Map.of("billing:3", 3), Map.of(), null));
        bad.put("skill with a comma", profile(Map.of("a,b", 3), Map.of(), null));
        bad.put("negative capacity", profile(Map.of(), Map.of("webchat", -1), null));
        bad.put("channel not a channel name", profile(Map.of(), Map.of("Web Chat", 1), null));
        bad.put("unknown workplace", profile(Map.of(), Map.of(), "MOON"));
        bad.put("no body", null);
        bad.forEach((why, p) -> assertThrows(IllegalArgumentException.class, () -> api.save("bob", p), why));
        for (String id : new String[] {"a b", "-lead", "me", "queue", "x".repeat(101), "bob/../admin"}) {
            assertThrows(IllegalArgumentException.class, () -> api.save(id, profile(Map.of(), Map.of(), null)), id);
        }
        assertEquals(List.of(), api.agents(), "nothing was saved");
        assertEquals(Map.of("售后-二线", 10), api.save("li@example.com", profile(Map.of("售后-二线", 10), Map.of("*", 0), "FIELD")).skills());
    }

    @Test
    void anAgentSeesTheirProfileAndSetsTheirPresence() {
        open();
        SecurityContext bob = as("bob", "agent");
        assertThrows(NoSuchElementException.class, () -> api.me(bob), "no profile yet: 404");
        assertThrows(NoSuchElementException.class, () -> api.presence(new AgentsApi.PresenceChange("AVAILABLE"), bob));
        assertEquals(List.of(), published);

        api.save("bob", profile(Map.of("billing", 2), Map.of("*", 2), null));
        assertEquals("bob", api.me(bob).id());
        int before = nudges.get();
        AgentsApi.AgentStatus status = api.presence(new AgentsApi.PresenceChange("available"), bob);
        assertEquals(Agent.Presence.AVAILABLE, status.presence());
        assertEquals(Agent.Presence.AVAILABLE, api.me(bob).presence());
        assertEquals(1, published.size());
        DomainEvent event = published.get(0);
        assertEquals(DomainEvent.AGENT_PRESENCE, event.type());
        assertEquals(Map.of("agentId", "bob", "presence", "AVAILABLE"), event.data());
        assertTrue(event.id().startsWith(DomainEvent.AGENT_PRESENCE + ":"));
        assertEquals(before + 1, nudges.get());

        assertThrows(IllegalArgumentException.class, () -> api.presence(new AgentsApi.PresenceChange("ON_LUNCH"), bob));
        assertThrows(IllegalArgumentException.class, () -> api.presence(null, bob));
        assertEquals(Agent.Presence.AVAILABLE, api.me(bob).presence());
    }

    /** SQL of our own on the core's table: it must read the same on both databases. */
    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void theQueueFiguresCountWhatWaitsAndTheServiceLevelOfTheLastHour(TestDatabase.Kind kind) {
        Instant now = now();
        open(kind, Clock.fixed(now, ZoneOffset.UTC));
        fx.queued("w1", "webchat", List.of(), 0, now.minusSeconds(95));
        fx.queued("w2", "webchat", List.of(), 0, now.minusSeconds(10));
        fx.queued("s1", "sms", List.of(), 0, now.minusSeconds(40));
        answered("fast", now.minusSeconds(600), 20);
        answered("exactly", now.minusSeconds(500), 30);
        answered("slow", now.minusSeconds(400), 31);
        answered("yesterday", now.minusSeconds(86_400), 5);
        fx.conversation("abandoned-early", "webchat", ConversationState.CLOSED, List.of(), 0, now.minusSeconds(300), null);
        close("abandoned-early", now.minusSeconds(290));
        fx.conversation("abandoned-late", "webchat", ConversationState.CLOSED, List.of(), 0, now.minusSeconds(300), null);
        close("abandoned-late", now.minusSeconds(200));

        QueueFigures.Queue queue = api.queue();

        assertEquals(3, queue.waiting());
        assertEquals(Map.of("webchat", 2, "sms", 1), queue.channels());
        assertEquals(95L, queue.oldestWaitSeconds());
        QueueFigures.Sla sla = queue.sla();
        assertEquals(30, sla.seconds());
        assertEquals(60, sla.windowMinutes());
        // in time: fast, exactly; missed: slow, abandoned-late, w1 and s1 (waiting longer than 30 s);
        // not yet counted: w2 (10 s), abandoned-early (left after 10 s); yesterday is outside the hour
        assertEquals(2, sla.inTime());
        assertEquals(6, sla.counted());
        assertEquals(2.0 / 6, sla.share(), 1e-9);
        assertEquals(SkillRouting.class.getName(), queue.routing().strategy());
    }

    @Test
    void anEmptyQueueHasNoOldestWaitAndNoShare() {
        open();
        QueueFigures.Queue queue = api.queue();
        assertEquals(0, queue.waiting());
        assertNull(queue.oldestWaitSeconds());
        assertEquals(Map.of(), queue.channels());
        assertEquals(0, queue.sla().counted());
        assertNull(queue.sla().share());
    }

    /** What CXF does with the bodies: the platform's JSON-B binding, both ways. */
    @Test
    void bodiesTravelAsTheApiDocumentsThem() {
        open();
        io.switchboard.api.CanonicalJson json = new io.switchboard.api.CanonicalJson();
        AgentsApi.Profile profile = json.fromJson("{\"name\":\"王芳\",\"skills\":{\"售后\":3,\"billing\":10},"
                + "\"capacity\":{\"webchat\":3,\"*\":1},\"workplace\":\"HOME\"}", AgentsApi.Profile.class);
        assertEquals(new AgentsApi.Profile("王芳", Map.of("售后", 3, "billing", 10), Map.of("webchat", 3, "*", 1), "HOME"),
                profile);
        assertEquals("AVAILABLE", json.fromJson("{\"presence\":\"AVAILABLE\"}", AgentsApi.PresenceChange.class).presence());

        String saved = json.toJson(api.save("wang", profile));
        assertTrue(saved.contains("\"name\":\"王芳\"") && saved.contains("\"presence\":\"OFFLINE\"")
                && saved.contains("\"workplace\":\"HOME\"") && saved.contains("\"load\":0"), saved);
        fx.queued("w1", "webchat", List.of(), 0, now().minusSeconds(5));
        String queue = json.toJson(api.queue());
        assertTrue(queue.contains("\"waiting\":1") && queue.contains("\"channels\":{\"webchat\":1}")
                && queue.contains("\"sla\":{") && queue.contains("\"strategy\":\"" + SkillRouting.class.getName()), queue);
    }

    void answered(String id, Instant queuedAt, int afterSeconds) {
        fx.conversation(id, "webchat", ConversationState.WAITING, List.of(), 0, queuedAt, "alice");
        fx.store.inTransaction(s -> {
            s.conversations().touch(id, queuedAt.plusSeconds(afterSeconds), true);
            return null;
        });
    }

    void close(String id, Instant at) {
        fx.store.inTransaction(s -> {
            s.conversations().touch(id, at, false);
            try (var ps = s.connection().prepareStatement("UPDATE sb_conversation SET closed_at = ? WHERE id = ?")) {
                ps.setObject(1, at.atOffset(ZoneOffset.UTC));
                ps.setString(2, id);
                ps.executeUpdate();
            }
            return null;
        });
    }
}
