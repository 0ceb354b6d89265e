package io.switchboard.routing.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Agent;
import io.switchboard.api.AgentLoad;
import io.switchboard.api.Assignment;
import io.switchboard.api.Customer;
import io.switchboard.api.QueuedConversation;
import io.switchboard.api.RoutingRequest;
import io.switchboard.api.RoutingStrategy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SkillRoutingTest {

    static final Instant NOW = Instant.parse("2026-03-01T09:00:00Z");
    static final Duration OVERFLOW = Duration.ofSeconds(60);

    final RoutingStrategy routing = new SkillRouting();

    static AgentLoad agent(String id, Map<String, Integer> skills, Map<String, Integer> capacity) {
        return agent(id, skills, capacity, Agent.Presence.AVAILABLE, Agent.Workplace.CENTRE, Map.of(), null);
    }

    static AgentLoad agent(String id, Map<String, Integer> skills, Map<String, Integer> capacity, Agent.Presence presence,
                           Agent.Workplace workplace, Map<String, Integer> active, Instant idleSince) {
        return new AgentLoad(new Agent(id, "Agent " + id, skills, capacity, presence, workplace), active, idleSince);
    }

    static AgentLoad idle(String id, Instant idleSince) {
        return agent(id, Map.of(), Map.of("*", 5), Agent.Presence.AVAILABLE, Agent.Workplace.CENTRE, Map.of(), idleSince);
    }

    static QueuedConversation waiting(String id, Map<String, Integer> skills, int waitedSeconds) {
        return queued(id, "webchat", skills, Customer.Tier.STANDARD, 0, waitedSeconds);
    }

    static QueuedConversation queued(String id, String channel, Map<String, Integer> skills, Customer.Tier tier,
                                     int priority, int waitedSeconds) {
        return new QueuedConversation(id, "cust-" + id, channel, skills, tier, priority, NOW.minusSeconds(waitedSeconds));
    }

    List<Assignment> route(List<QueuedConversation> queue, List<AgentLoad> agents) {
        return routing.route(new RoutingRequest(queue, agents, NOW, OVERFLOW));
    }

    static Map<String, String> byConversation(List<Assignment> assignments) {
        Map<String, String> result = new LinkedHashMap<>();
        assignments.forEach(a -> result.put(a.conversationId(), a.agentId()));
        return result;
    }

    @Test
    void anAgentNeedsEverySkillAtTheLevelAsked() {
        List<AgentLoad> agents = List.of(
                agent("junior", Map.of("billing", 2, "中文", 5), Map.of("*", 3)),
                agent("no-chinese", Map.of("billing", 9), Map.of("*", 3)),
                agent("senior", Map.of("billing", 3, "中文", 1), Map.of("*", 3)));
        List<Assignment> result = route(List.of(waiting("c1", Map.of("billing", 3, "中文", 1), 5)), agents);
        assertEquals(List.of(new Assignment("c1", "senior", "skills billing>=3,中文>=1")), result);

        assertEquals(List.of(), route(List.of(waiting("c2", Map.of("refunds", 1), 5)), agents),
                "nobody has the skill: it stays queued");
        assertEquals(List.of(), route(List.of(waiting("c3", Map.of("billing", 10), 5)), agents),
                "nobody has the level: it stays queued");
    }

    @Test
    void aConversationWithoutSkillsGoesToAnyone() {
        List<Assignment> result = route(List.of(waiting("c1", Map.of(), 5)), List.of(agent("a", Map.of(), Map.of("webchat", 1))));
        assertEquals(List.of(new Assignment("c1", "a", "longest idle")), result);
    }

    @Test
    void aVipGoesBeforeAnEarlierStandardCustomer() {
        QueuedConversation standard = queued("std", "webchat", Map.of(), Customer.Tier.STANDARD, 0, 300);
        QueuedConversation vip = queued("vip", "webchat", Map.of(), Customer.Tier.VIP, 10, 5);
        List<Assignment> result = route(List.of(standard, vip), List.of(agent("a", Map.of(), Map.of("webchat", 1))));
        assertEquals(List.of(new Assignment("vip", "a", "VIP")), result);
    }

    @Test
    void thenHigherPriorityThenWhoWaitedLongest() {
        List<QueuedConversation> queue = List.of(
                queued("new", "webchat", Map.of(), Customer.Tier.STANDARD, 0, 10),
                queued("old", "webchat", Map.of(), Customer.Tier.STANDARD, 0, 50),
                queued("escalated", "webchat", Map.of(), Customer.Tier.STANDARD, 5, 1),
                queued("vip-escalated", "webchat", Map.of(), Customer.Tier.VIP, 20, 1),
                queued("vip", "webchat", Map.of(), Customer.Tier.VIP, 10, 40));
        List<Assignment> result = route(queue, List.of(agent("a", Map.of(), Map.of("webchat", 10))));
        assertEquals(List.of("vip-escalated", "vip", "escalated", "old", "new"),
                result.stream().map(Assignment::conversationId).toList());
    }

    @Test
    void capacityCountsWhatTheAgentCarriesAndWhatThisRoundGaveThem() {
        AgentLoad a = agent("a", Map.of(), Map.of("webchat", 3), Agent.Presence.AVAILABLE, Agent.Workplace.CENTRE,
                Map.of("webchat", 1), null);
        List<QueuedConversation> queue = List.of(waiting("c1", Map.of(), 30), waiting("c2", Map.of(), 20),
                waiting("c3", Map.of(), 10));
        assertEquals(Map.of("c1", "a", "c2", "a"), byConversation(route(queue, List.of(a))),
                "room for two more: the third waits");
    }

    @Test
    void anAgentAtCapacityGetsNothing() {
        AgentLoad full = agent("full", Map.of(), Map.of("webchat", 2), Agent.Presence.AVAILABLE, Agent.Workplace.CENTRE,
                Map.of("webchat", 2), null);
        AgentLoad over = agent("over", Map.of(), Map.of("webchat", 1), Agent.Presence.AVAILABLE, Agent.Workplace.CENTRE,
                Map.of("webchat", 3), null);
        AgentLoad none = agent("none", Map.of(), Map.of());
        assertEquals(List.of(), route(List.of(waiting("c1", Map.of(), 5)), List.of(full, over, none)));
    }

    @Test
    void onlyAvailableAgentsAreGivenWork() {
        List<AgentLoad> agents = new ArrayList<>();
        for (Agent.Presence p : List.of(Agent.Presence.AWAY, Agent.Presence.OFFLINE, Agent.Presence.BUSY)) {
            agents.add(agent(p.name().toLowerCase(), Map.of(), Map.of("*", 5), p, Agent.Workplace.CENTRE, Map.of(), null));
        }
        assertEquals(List.of(), route(List.of(waiting("c1", Map.of(), 500)), agents));
        agents.add(agent("here", Map.of(), Map.of("*", 5), Agent.Presence.AVAILABLE, Agent.Workplace.CENTRE, Map.of(),
                NOW.minusSeconds(1)));
        assertEquals(Map.of("c1", "here"), byConversation(route(List.of(waiting("c1", Map.of(), 500)), agents)));
    }

    @Test
    void remoteHomeAndFieldAgentsTakeAConversationOnlyOnceItHasWaitedTheOverflowTime() {
        for (Agent.Workplace away : List.of(Agent.Workplace.REMOTE, Agent.Workplace.HOME, Agent.Workplace.FIELD)) {
            List<AgentLoad> agents = List.of(agent("a", Map.of("billing", 5), Map.of("*", 2), Agent.Presence.AVAILABLE,
                    away, Map.of(), null));
            assertEquals(List.of(), route(List.of(waiting("c1", Map.of("billing", 3), 59)), agents),
                    away + " before the overflow time");
            assertEquals(List.of(new Assignment("c1", "a", "skills billing>=3; overflow " + away)),
                    route(List.of(waiting("c1", Map.of("billing", 3), 60)), agents), away + " at the overflow time");
        }
    }

    @Test
    void aCentreAgentTakesAConversationAtOnce() {
        List<AgentLoad> agents = List.of(
                agent("home", Map.of(), Map.of("*", 2), Agent.Presence.AVAILABLE, Agent.Workplace.HOME, Map.of(), null),
                agent("centre", Map.of(), Map.of("*", 2), Agent.Presence.AVAILABLE, Agent.Workplace.CENTRE, Map.of(),
                        NOW.minusSeconds(5)));
        assertEquals(Map.of("new", "centre"), byConversation(route(List.of(waiting("new", Map.of(), 0)), agents)));
    }

    @Test
    void overflowPutsRemoteAgentsAlongsideTheCentreByIdleTime() {
        List<AgentLoad> agents = List.of(
                agent("home", Map.of("billing", 4), Map.of("*", 2), Agent.Presence.AVAILABLE, Agent.Workplace.HOME,
                        Map.of(), NOW.minusSeconds(600)),
                agent("centre", Map.of("billing", 4), Map.of("*", 2), Agent.Presence.AVAILABLE, Agent.Workplace.CENTRE,
                        Map.of(), NOW.minusSeconds(5)));
        List<Assignment> result = route(List.of(
                queued("vip", "webchat", Map.of("billing", 3), Customer.Tier.VIP, 10, 90),
                queued("fresh", "webchat", Map.of("billing", 3), Customer.Tier.STANDARD, 0, 1)), agents);
        assertEquals(List.of(new Assignment("vip", "home", "skills billing>=3; VIP; overflow HOME"),
                new Assignment("fresh", "centre", "skills billing>=3")), result);
    }

    @Test
    void theLongestIdleAgentGoesFirstAndWorkIsSpreadAcrossARound() {
        List<AgentLoad> agents = List.of(
                idle("recent", NOW.minusSeconds(60)),
                idle("long", NOW.minusSeconds(600)),
                idle("never", null),
                idle("medium", NOW.minusSeconds(300)));
        List<QueuedConversation> queue = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            queue.add(waiting("c" + i, Map.of(), 100 - i));
        }
        List<Assignment> result = route(queue, agents);
        assertEquals(List.of("never", "long", "medium", "recent", "never", "long"),
                result.stream().map(Assignment::agentId).toList(),
                "once given work, an agent is idle only from now: everyone else goes first");
    }

    @Test
    void agentsIdleEquallyLongAreTakenInIdOrder() {
        Instant same = NOW.minusSeconds(100);
        List<AgentLoad> agents = List.of(idle("b", same), idle("c", same), idle("a", same));
        List<Assignment> result = route(List.of(waiting("c1", Map.of(), 3), waiting("c2", Map.of(), 2),
                waiting("c3", Map.of(), 1)), agents);
        assertEquals(List.of("a", "b", "c"), result.stream().map(Assignment::agentId).toList());
    }

    @Test
    void capacityIsPerChannelWithStarForEveryOtherChannel() {
        AgentLoad a = agent("a", Map.of(), Map.of("webchat", 1, "*", 2), Agent.Presence.AVAILABLE, Agent.Workplace.CENTRE,
                Map.of("sms", 1), null);
        List<QueuedConversation> queue = List.of(
                queued("w1", "webchat", Map.of(), Customer.Tier.STANDARD, 0, 50),
                queued("w2", "webchat", Map.of(), Customer.Tier.STANDARD, 0, 49),
                queued("s1", "sms", Map.of(), Customer.Tier.STANDARD, 0, 48),
                queued("s2", "sms", Map.of(), Customer.Tier.STANDARD, 0, 47),
                queued("e1", "email", Map.of(), Customer.Tier.STANDARD, 0, 46),
                queued("e2", "email", Map.of(), Customer.Tier.STANDARD, 0, 45),
                queued("e3", "email", Map.of(), Customer.Tier.STANDARD, 0, 44));
        assertEquals(Map.of("w1", "a", "s1", "a", "e1", "a", "e2", "a"), byConversation(route(queue, List.of(a))),
                "webchat: 1; sms: 2 less the one carried; email: 2 by *");

        AgentLoad noWebchat = agent("b", Map.of(), Map.of("webchat", 0, "*", 5));
        assertEquals(List.of(), route(List.of(queued("w", "webchat", Map.of(), Customer.Tier.STANDARD, 0, 5)),
                List.of(noWebchat)), "an explicit 0 is not overridden by *");
    }

    @Test
    void aSkilledAgentIsNotUsedUpByConversationsOthersCouldTake() {
        // the order decides, not cleverness: the queue is served in order, each to the longest idle
        List<AgentLoad> agents = List.of(
                agent("expert", Map.of("legal", 5), Map.of("*", 1), Agent.Presence.AVAILABLE, Agent.Workplace.CENTRE,
                        Map.of(), NOW.minusSeconds(10)),
                agent("generalist", Map.of(), Map.of("*", 1), Agent.Presence.AVAILABLE, Agent.Workplace.CENTRE,
                        Map.of(), NOW.minusSeconds(5)));
        List<QueuedConversation> queue = List.of(waiting("plain", Map.of(), 20), waiting("legal", Map.of("legal", 3), 10));
        assertEquals(Map.of("plain", "expert"), byConversation(route(queue, agents)));
    }

    @Test
    void nothingToDoIsNothing() {
        assertEquals(List.of(), route(List.of(), List.of(idle("a", null))));
        assertEquals(List.of(), route(List.of(waiting("c", Map.of(), 5)), List.of()));
    }

    @Test
    void theSameSnapshotGivesTheSameAnswer() {
        Random random = new Random(7);
        RoutingRequest request = randomRequest(random, 300, 2000);
        assertEquals(routing.route(request), routing.route(request));
    }

    /** The indexed pools must decide exactly what a plain scan of every agent for every conversation does. */
    @Test
    void decidesLikeAPlainScanOnLargeRandomQueues() {
        int decided = 0;
        for (int seed = 1; seed <= 25; seed++) {
            Random random = new Random(seed);
            RoutingRequest request = randomRequest(random, 20 + random.nextInt(300), 50 + random.nextInt(2000));
            List<Assignment> expected = plainScan(request);
            assertEquals(expected, routing.route(request), "seed " + seed);
            decided += expected.size();
        }
        assertTrue(decided > 2000, "the cases route plenty: " + decided);
    }

    static final String[] SKILLS = {"billing", "refunds", "logistics", "legal", "售后", "english"};
    static final String[] CHANNELS = {"webchat", "sms", "email", "wechat"};

    static RoutingRequest randomRequest(Random random, int agentCount, int queueLength) {
        List<AgentLoad> agents = new ArrayList<>();
        for (int i = 0; i < agentCount; i++) {
            Map<String, Integer> skills = new HashMap<>();
            for (String s : SKILLS) {
                if (random.nextInt(3) == 0) {
                    skills.put(s, 1 + random.nextInt(10));
                }
            }
            Map<String, Integer> capacity = new HashMap<>();
            for (String c : CHANNELS) {
                if (random.nextInt(3) == 0) {
                    capacity.put(c, random.nextInt(4));
                }
            }
            if (random.nextBoolean()) {
                capacity.put("*", random.nextInt(3));
            }
            Map<String, Integer> active = new HashMap<>();
            for (String c : CHANNELS) {
                if (random.nextInt(4) == 0) {
                    active.put(c, random.nextInt(3));
                }
            }
            Agent.Presence presence = Agent.Presence.values()[random.nextInt(10) < 7 ? 1 : random.nextInt(4)];
            Agent.Workplace workplace = Agent.Workplace.values()[random.nextInt(10) < 6 ? 0 : random.nextInt(4)];
            Instant idle = random.nextInt(10) == 0 ? null : NOW.minusSeconds(random.nextInt(20)); // many ties
            agents.add(agent(String.format("agent-%04d", random.nextInt(100_000)) + "-" + i, skills, capacity, presence,
                    workplace, active, idle));
        }
        List<QueuedConversation> queue = new ArrayList<>();
        for (int i = 0; i < queueLength; i++) {
            Map<String, Integer> skills = new HashMap<>();
            int wanted = random.nextInt(3);
            for (int k = 0; k < wanted; k++) {
                skills.put(SKILLS[random.nextInt(SKILLS.length)], 1 + random.nextInt(6));
            }
            boolean vip = random.nextInt(10) == 0;
            queue.add(queued("conv-" + i, CHANNELS[random.nextInt(CHANNELS.length)], skills,
                    vip ? Customer.Tier.VIP : Customer.Tier.STANDARD, vip ? 10 : random.nextInt(3), random.nextInt(120)));
        }
        return new RoutingRequest(queue, agents, NOW, OVERFLOW);
    }

    /** The rules as written, O(queue × agents). */
    static List<Assignment> plainScan(RoutingRequest request) {
        List<QueuedConversation> queue = new ArrayList<>(request.queue());
        queue.sort(SkillRouting.QUEUE_ORDER);
        Map<String, Map<String, Integer>> taken = new HashMap<>();
        Map<String, Instant> idle = new HashMap<>();
        Map<String, Long> order = new HashMap<>();
        request.agents().forEach(a -> idle.put(a.agent().id(), a.idleSince()));
        long assigned = 0;
        List<Assignment> result = new ArrayList<>();
        for (QueuedConversation q : queue) {
            boolean overflow = !Duration.between(q.queuedAt(), request.now()).minus(request.overflowAfter()).isNegative();
            AgentLoad best = null;
            for (AgentLoad a : request.agents()) {
                Agent agent = a.agent();
                boolean eligible = agent.presence() == Agent.Presence.AVAILABLE
                        && q.skills().entrySet().stream().allMatch(s -> agent.skills().getOrDefault(s.getKey(), 0) >= s.getValue())
                        && a.freeOn(q.channel()) - taken.getOrDefault(agent.id(), Map.of()).getOrDefault(q.channel(), 0) > 0
                        && (overflow || agent.workplace() == Agent.Workplace.CENTRE);
                if (eligible && (best == null || idleOrder(idle, order).compare(a, best) < 0)) {
                    best = a;
                }
            }
            if (best != null) {
                String id = best.agent().id();
                taken.computeIfAbsent(id, k -> new HashMap<>()).merge(q.channel(), 1, Integer::sum);
                idle.put(id, request.now());
                order.put(id, ++assigned);
                result.add(new Assignment(q.conversationId(), id, reasonOf(q, best.agent())));
            }
        }
        return result;
    }

    static Comparator<AgentLoad> idleOrder(Map<String, Instant> idle, Map<String, Long> order) {
        return Comparator.comparing((AgentLoad a) -> idle.get(a.agent().id()), Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparingLong(a -> order.getOrDefault(a.agent().id(), 0L))
                .thenComparing(a -> a.agent().id());
    }

    static String reasonOf(QueuedConversation q, Agent agent) {
        List<String> parts = new ArrayList<>();
        if (!q.skills().isEmpty()) {
            parts.add("skills " + new java.util.TreeMap<>(q.skills()).entrySet().stream()
                    .map(e -> e.getKey() + ">=" + e.getValue()).collect(Collectors.joining(",")));
        }
        if (q.tier() == Customer.Tier.VIP) {
            parts.add("VIP");
        }
        if (agent.workplace() != Agent.Workplace.CENTRE) {
            parts.add("overflow " + agent.workplace());
        }
        return parts.isEmpty() ? "longest idle" : String.join("; ", parts);
    }

    @Test
    void everyAssignmentHonoursTheRulesOnALargeQueue() {
        RoutingRequest request = randomRequest(new Random(99), 2000, 10_000);
        List<Assignment> result = routing.route(request);
        assertTrue(result.size() > 500, "a large centre routes a good part of a large queue: " + result.size());
        Map<String, AgentLoad> agents = request.agents().stream().collect(Collectors.toMap(a -> a.agent().id(), a -> a));
        Map<String, QueuedConversation> queue = request.queue().stream()
                .collect(Collectors.toMap(QueuedConversation::conversationId, q -> q));
        Map<String, Map<String, Integer>> given = new HashMap<>();
        for (Assignment a : result) {
            AgentLoad agent = agents.get(a.agentId());
            QueuedConversation q = queue.remove(a.conversationId());
            assertTrue(q != null, "each conversation once");
            assertEquals(Agent.Presence.AVAILABLE, agent.agent().presence());
            q.skills().forEach((s, level) -> assertTrue(agent.agent().skills().getOrDefault(s, 0) >= level));
            int n = given.computeIfAbsent(a.agentId(), k -> new HashMap<>()).merge(q.channel(), 1, Integer::sum);
            assertTrue(n <= agent.freeOn(q.channel()), "capacity on " + q.channel());
        }
    }
}
