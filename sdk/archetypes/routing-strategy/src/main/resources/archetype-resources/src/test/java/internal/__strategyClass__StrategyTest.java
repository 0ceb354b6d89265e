package ${package}.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Agent;
import io.switchboard.api.AgentLoad;
import io.switchboard.api.Assignment;
import io.switchboard.api.Customer;
import io.switchboard.api.QueuedConversation;
import io.switchboard.api.RoutingRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The strategy on snapshots as the router hands them over. */
class ${strategyClass}StrategyTest {

    static final Instant NOW = Instant.parse("2026-11-23T09:00:00Z");

    final ${strategyClass}Strategy strategy = new ${strategyClass}Strategy(true, 0);

    static QueuedConversation queued(String id, Map<String, Integer> skills, Duration waited) {
        return new QueuedConversation(id, "cust-" + id, "webchat", skills, Customer.Tier.STANDARD, 0, NOW.minus(waited));
    }

    static AgentLoad agent(String id, Map<String, Integer> skills, int capacity, int active, Agent.Workplace workplace,
                           Duration idle) {
        return new AgentLoad(new Agent(id, id, skills, Map.of("webchat", capacity), Agent.Presence.AVAILABLE, workplace),
                active == 0 ? Map.of() : Map.of("webchat", active), NOW.minus(idle));
    }

    static Map<String, String> byConversation(List<Assignment> assignments) {
        return assignments.stream().collect(java.util.stream.Collectors.toMap(Assignment::conversationId, Assignment::agentId));
    }

    @Test
    void theLeastLoadedQualifiedAgentTakesEachConversationInTurn() {
        List<Assignment> decided = strategy.route(new RoutingRequest(
                List.of(queued("c1", Map.of("billing", 3), Duration.ofSeconds(5)), queued("c2", Map.of(), Duration.ofSeconds(4)),
                        queued("c3", Map.of(), Duration.ofSeconds(3))),
                List.of(agent("zhang", Map.of("billing", 5), 3, 1, Agent.Workplace.CENTRE, Duration.ofMinutes(1)),
                        agent("li", Map.of("billing", 2), 3, 0, Agent.Workplace.CENTRE, Duration.ofMinutes(1))),
                NOW, Duration.ofMinutes(1)));

        // c1 needs billing 3: only zhang (now 2); c2 to li (0); c3 to li (1, fewer than zhang's 2)
        assertEquals(Map.of("c1", "zhang", "c2", "li", "c3", "li"), byConversation(decided));
        assertTrue(decided.get(0).reason().startsWith("${strategy}: least loaded"), decided.get(0).reason());
    }

    @Test
    void theLongestIdleWinsATie() {
        List<Assignment> decided = strategy.route(new RoutingRequest(List.of(queued("c1", Map.of(), Duration.ofSeconds(5))),
                List.of(agent("wang", Map.of(), 2, 0, Agent.Workplace.CENTRE, Duration.ofMinutes(1)),
                        agent("zhao", Map.of(), 2, 0, Agent.Workplace.CENTRE, Duration.ofMinutes(9))),
                NOW, Duration.ofMinutes(1)));
        assertEquals(Map.of("c1", "zhao"), byConversation(decided));
    }

    @Test
    void aFullAgentOrAnAbsentSkillLeavesTheConversationQueued() {
        List<Assignment> decided = strategy.route(new RoutingRequest(
                List.of(queued("c1", Map.of(), Duration.ofSeconds(5)), queued("c2", Map.of("售后", 1), Duration.ofSeconds(5))),
                List.of(agent("zhang", Map.of(), 1, 1, Agent.Workplace.CENTRE, Duration.ZERO)), NOW, Duration.ofMinutes(1)));
        assertEquals(List.of(), decided);
    }

    @Test
    void agentsOutsideTheCentreTakeOnlyConversationsThatWaitedOverflowAfter() {
        List<AgentLoad> home = List.of(agent("home-1", Map.of(), 2, 0, Agent.Workplace.HOME, Duration.ZERO));
        RoutingRequest young = new RoutingRequest(List.of(queued("c1", Map.of(), Duration.ofSeconds(30))), home, NOW,
                Duration.ofMinutes(1));
        RoutingRequest old = new RoutingRequest(List.of(queued("c1", Map.of(), Duration.ofSeconds(61))), home, NOW,
                Duration.ofMinutes(1));

        assertEquals(List.of(), strategy.route(young));
        List<Assignment> overflowed = strategy.route(old);
        assertEquals(Map.of("c1", "home-1"), byConversation(overflowed));
        assertTrue(overflowed.get(0).reason().contains("overflow HOME"), overflowed.get(0).reason());
        assertEquals(List.of(), new ${strategyClass}Strategy(false, 0).route(old), "overflow off");
    }

    @Test
    void maxLoadCapsWhatOneAgentCarriesAcrossChannels() {
        AgentLoad busy = new AgentLoad(new Agent("zhang", "zhang", Map.of(), Map.of("*", 5), Agent.Presence.AVAILABLE,
                Agent.Workplace.CENTRE), Map.of("email", 2), NOW);
        RoutingRequest request = new RoutingRequest(List.of(queued("c1", Map.of(), Duration.ofSeconds(5))), List.of(busy), NOW,
                Duration.ofMinutes(1));
        assertEquals(List.of(), new ${strategyClass}Strategy(true, 2).route(request));
        assertEquals(Map.of("c1", "zhang"), byConversation(new ${strategyClass}Strategy(true, 3).route(request)));
    }
}
