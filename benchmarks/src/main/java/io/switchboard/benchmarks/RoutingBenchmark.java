package io.switchboard.benchmarks;

import io.switchboard.api.Agent;
import io.switchboard.api.AgentLoad;
import io.switchboard.api.ChannelAddress;
import io.switchboard.api.Conversation;
import io.switchboard.api.ConversationState;
import io.switchboard.api.Customer;
import io.switchboard.api.Message;
import io.switchboard.api.QueuedConversation;
import io.switchboard.api.RoutingRequest;
import io.switchboard.conversation.AgentDesk;
import io.switchboard.routing.internal.Rounds;
import io.switchboard.routing.internal.SkillRouting;
import io.switchboard.store.Store;
import io.switchboard.store.internal.JdbcStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * Routing on a large contact centre: 2,000 agents (mixed skills, capacities, workplaces) and a burst
 * of 10,000 queued conversations (mixed channels and skills, 10% VIP) in an H2 database through the
 * real store, routed by the default strategy in the router's own rounds until the queue is empty.
 * Agents free room as they go: after each round a share of the conversations they carry closes.
 *
 * <p>Prints the strategy's decisions per second alone (the whole snapshot in memory), end to end
 * (reading the snapshot, deciding, and one compare-and-set transaction per assignment plus one to
 * restart the agents' idle clocks), and the time from queued to assigned.
 *
 * <p>Usage: {@code benchmarks/run-routing [agents] [conversations] [overflowAfterSeconds] [closeShare]}.
 */
public final class RoutingBenchmark {

    static final String[] SKILLS = {"billing", "refunds", "logistics", "technical", "legal", "售后", "english", "japanese"};
    static final String[] CHANNELS = {"webchat", "webchat", "webchat", "webchat", "webchat", "webchat", "sms", "sms",
            "email", "wechat"};

    public static void main(String[] args) throws Exception {
        int agentCount = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int conversationCount = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int overflowSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        double closeShare = args.length > 3 ? Double.parseDouble(args[3]) : 0.2;
        Path dir = Files.createTempDirectory("sb-routing-bench");
        // the server's own H2 settings: a file database, every commit on disk before it returns
        JdbcConnectionPool pool = JdbcConnectionPool.create("jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=0", "sa", "");
        pool.setMaxConnections(16);
        try {
            run(new JdbcStore(pool), agentCount, conversationCount, Duration.ofSeconds(overflowSeconds), closeShare);
        } finally {
            pool.dispose();
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp directory left behind
            }
        }
        System.exit(0);
    }

    static void run(Store store, int agentCount, int conversationCount, Duration overflowAfter, double closeShare) {
        Random random = new Random(42);
        long setup = System.nanoTime();
        Map<String, Agent.Workplace> workplaces = agents(store, random, agentCount);
        queue(store, random, conversationCount);
        System.out.printf("setup: %d agents, %d queued conversations in %.1f s%n", agentCount, conversationCount,
                (System.nanoTime() - setup) / 1e9);

        strategyAlone(store, conversationCount, overflowAfter);
        Instant queuedAt = restamp(store);

        Map<String, Instant> assignedAt = new ConcurrentHashMap<>();
        Map<String, String> assignedTo = new ConcurrentHashMap<>();
        Rounds rounds = new Rounds(store, new StoreDesk(store, assignedAt, assignedTo), () -> null,
                new Rounds.Settings(overflowAfter, 10_000), Clock.systemUTC());
        List<String> carried = new ArrayList<>();
        long routingNanos = 0;
        long closingNanos = 0;
        int round = 0;
        int stalled = 0;
        int left = conversationCount;
        System.out.println();
        System.out.println("round  queued  assigned  round ms  (read  strategy  apply)");
        while (left > 0 && stalled < 3) {
            long t0 = System.nanoTime();
            Rounds.Outcome outcome = rounds.round();
            routingNanos += System.nanoTime() - t0;
            round++;
            left = outcome.queued() - outcome.applied().size();
            outcome.applied().forEach(a -> carried.add(a.conversationId()));
            stalled = outcome.applied().isEmpty() ? stalled + 1 : 0;
            if (round <= 5 || left == 0 || round % 10 == 0) {
                Rounds.Figures f = rounds.figures();
                System.out.printf("%5d  %6d  %8d  %8d  (%4d  %8d  %5d)%n", round, outcome.queued(), outcome.applied().size(),
                        f.lastRoundMillis(), f.lastReadMillis(), f.lastStrategyMillis(),
                        f.lastRoundMillis() - f.lastReadMillis() - f.lastStrategyMillis());
            }
            long c0 = System.nanoTime();
            close(store, random, carried, closeShare);
            closingNanos += System.nanoTime() - c0;
        }
        rounds.close();

        long[] waits = assignedAt.entrySet().stream()
                .mapToLong(e -> Duration.between(queuedAt, e.getValue()).toMillis()).sorted().toArray();
        Map<Agent.Workplace, Integer> byWorkplace = new LinkedHashMap<>();
        assignedTo.values().forEach(agent -> byWorkplace.merge(workplaces.get(agent), 1, Integer::sum));
        System.out.println();
        System.out.printf("machine: %d cores, Java %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        System.out.printf("assigned %d of %d in %d rounds (%d left queued); by workplace %s; overflow after %d s,"
                        + " %.0f%% of carried conversations close after each round%n",
                waits.length, conversationCount, round, left, byWorkplace, overflowAfter.toSeconds(), closeShare * 100);
        System.out.printf("end to end (snapshot, strategy, compare-and-set per assignment): %8.0f decisions/s"
                        + "   (%.2f s routing, %.2f s simulated closing not counted)%n",
                waits.length / (routingNanos / 1e9), routingNanos / 1e9, closingNanos / 1e9);
        if (waits.length > 0) {
            System.out.printf("time to assign (queued -> assigned): p50 %d ms   p99 %d ms   max %d ms%n",
                    percentile(waits, 50), percentile(waits, 99), waits[waits.length - 1]);
        }
    }

    /** The default strategy on the first round's snapshot, all in memory, repeated; overflow open to all. */
    static void strategyAlone(Store store, int conversationCount, Duration overflowAfter) {
        RoutingRequest request = store.inTransaction(s -> {
            List<QueuedConversation> queue = new ArrayList<>();
            for (Conversation c : s.conversations().inState(ConversationState.QUEUED, conversationCount)) {
                queue.add(new QueuedConversation(c.id(), c.customerId(), c.address().channel(),
                        QueuedConversation.parseSkills(c.skills()),
                        c.priority() >= Rounds.VIP_PRIORITY ? Customer.Tier.VIP : Customer.Tier.STANDARD, c.priority(),
                        c.queuedAt()));
            }
            Map<String, Map<String, Integer>> load = s.conversations().activeLoad();
            Map<String, Instant> idle = s.agents().idleSince();
            List<AgentLoad> agents = new ArrayList<>();
            for (Agent a : s.agents().all()) {
                if (a.presence() != Agent.Presence.OFFLINE) {
                    agents.add(new AgentLoad(a, load.get(a.id()), idle.get(a.id())));
                }
            }
            // as late as every conversation may overflow: every agent is a candidate, the most work
            Instant latest = queue.stream().map(QueuedConversation::queuedAt).max(Comparator.naturalOrder()).orElseThrow();
            return new RoutingRequest(queue, agents, latest.plus(overflowAfter), overflowAfter);
        });
        SkillRouting strategy = new SkillRouting();
        for (int i = 0; i < 10; i++) {
            strategy.route(request); // warm-up
        }
        int runs = 30;
        long[] nanos = new long[runs];
        int decided = 0;
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            decided = strategy.route(request).size();
            nanos[i] = System.nanoTime() - t0;
        }
        Arrays.sort(nanos);
        double median = nanos[runs / 2] / 1e6;
        System.out.printf("strategy alone: %d queued x %d agents -> %d decisions in %.1f ms (median of %d; min %.1f,"
                        + " max %.1f): %.0f decisions/s, %.0f queued conversations considered/s%n",
                request.queue().size(), request.agents().size(), decided, median, runs, nanos[0] / 1e6,
                nanos[runs - 1] / 1e6, decided / (median / 1e3), request.queue().size() / (median / 1e3));
    }

    static Map<String, Agent.Workplace> agents(Store store, Random random, int count) {
        Map<String, Agent.Workplace> workplaces = new HashMap<>();
        Instant now = Instant.now();
        store.inTransaction(s -> {
            for (int i = 0; i < count; i++) {
                String id = String.format("agent-%05d", i);
                Map<String, Integer> skills = new HashMap<>();
                int n = 1 + random.nextInt(4);
                for (int k = 0; k < n; k++) {
                    skills.put(SKILLS[random.nextInt(SKILLS.length)], 1 + random.nextInt(10));
                }
                Map<String, Integer> capacity = new HashMap<>();
                capacity.put("webchat", 1 + random.nextInt(3));
                capacity.put("*", 1);
                if (random.nextInt(4) == 0) {
                    capacity.put("sms", 3);
                }
                int w = random.nextInt(100);
                Agent.Workplace workplace = w < 70 ? Agent.Workplace.CENTRE : w < 85 ? Agent.Workplace.REMOTE
                        : w < 95 ? Agent.Workplace.HOME : Agent.Workplace.FIELD;
                workplaces.put(id, workplace);
                s.agents().save(new Agent(id, "坐席 " + i, skills, capacity, null, workplace));
                s.agents().presence(id, random.nextInt(100) < 95 ? Agent.Presence.AVAILABLE : Agent.Presence.AWAY, now);
                s.agents().assigned(id, now.minusSeconds(random.nextInt(3600)));
            }
            return null;
        });
        return workplaces;
    }

    private record Pending(String id, String customerId, ChannelAddress address, List<String> skills, int priority) {
    }

    /** A burst: every conversation queued at the same instant (ties go by id), on customers of their own. */
    static void queue(Store store, Random random, int count) {
        List<Pending> pending = store.inTransaction(s -> {
            List<Pending> made = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String channel = CHANNELS[random.nextInt(CHANNELS.length)];
                ChannelAddress address = new ChannelAddress(channel, "bench-" + i);
                String customer = s.customers().forAddress(address, "客户 " + i).id();
                Map<String, String> skills = new LinkedHashMap<>();
                int n = random.nextInt(3);
                for (int k = 0; k < n; k++) {
                    skills.putIfAbsent(SKILLS[random.nextInt(SKILLS.length)], String.valueOf(1 + random.nextInt(5)));
                }
                boolean vip = random.nextInt(10) == 0;
                made.add(new Pending(String.format("conv-%06d", i), customer, address,
                        skills.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).toList(),
                        vip ? Rounds.VIP_PRIORITY : 0));
            }
            return made;
        });
        Instant queuedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        store.inTransaction(s -> {
            for (Pending p : pending) {
                s.conversations().create(new Conversation(p.id(), p.customerId(), p.address(), ConversationState.QUEUED,
                        p.skills(), p.priority(), null, queuedAt, queuedAt, queuedAt, null, null));
            }
            return null;
        });
    }

    /** Agents finish some of what they carry: a share of the open conversations closes. */
    static void close(Store store, Random random, List<String> carried, double share) {
        int n = (int) Math.ceil(carried.size() * share);
        if (n == 0) {
            return;
        }
        List<String> closing = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int pick = random.nextInt(carried.size());
            closing.add(carried.get(pick));
            carried.set(pick, carried.get(carried.size() - 1));
            carried.remove(carried.size() - 1);
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        store.inTransaction(s -> {
            for (String id : closing) {
                s.conversations().transition(id, ConversationState.ASSIGNED, ConversationState.CLOSED, null, null, now);
            }
            return null;
        });
    }

    /** The burst lands now: the strategy's timing above must not count as waiting. */
    static Instant restamp(Store store) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        store.inTransaction(s -> {
            try (var ps = s.connection().prepareStatement(
                    "UPDATE sb_conversation SET queued_at = ?, updated_at = ? WHERE state = 'QUEUED'")) {
                ps.setObject(1, now.atOffset(java.time.ZoneOffset.UTC));
                ps.setObject(2, now.atOffset(java.time.ZoneOffset.UTC));
                ps.executeUpdate();
            }
            return null;
        });
        return now;
    }

    static long percentile(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    /**
     * Applies routing's decisions straight on the store, as the core's desk does minus the timeline
     * entry and the event on the bus: one compare-and-set transaction per assignment.
     */
    static final class StoreDesk implements AgentDesk {
        private final Store store;
        private final Map<String, Instant> assignedAt;
        private final Map<String, String> assignedTo;

        StoreDesk(Store store, Map<String, Instant> assignedAt, Map<String, String> assignedTo) {
            this.store = store;
            this.assignedAt = assignedAt;
            this.assignedTo = assignedTo;
        }

        @Override
        public Conversation require(String conversationId, io.switchboard.api.Staff who, boolean handle) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean maySee(Conversation conversation, io.switchboard.api.Staff who) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean assign(String conversationId, String agentId, String reason) {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            boolean moved = store.inTransaction(s -> s.conversations().transition(conversationId,
                    ConversationState.QUEUED, ConversationState.ASSIGNED, agentId, null, now));
            if (moved) {
                assignedAt.put(conversationId, now);
                assignedTo.put(conversationId, agentId);
            }
            return moved;
        }

        @Override
        public Conversation conversation(String conversationId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Conversation> conversations(boolean openOnly, int limit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Conversation> inState(ConversationState state, int limit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Conversation> assignedTo(String agentId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Message> timeline(String conversationId, int limit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Message reply(String conversationId, String agentId, String text, String replyId, ChannelAddress via) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Conversation handOff(String conversationId, List<String> skills, String reason) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Conversation accept(String conversationId, String agentId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Conversation transferToAgent(String conversationId, String fromAgentId, String toAgentId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Conversation transferToSkills(String conversationId, String fromAgentId, List<String> skills) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Conversation close(String conversationId, String agentId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public io.switchboard.api.Message push(String customerId, String channel, String text, String pushId, String reason,
                                                 java.util.Map<String, String> data) {
            throw new UnsupportedOperationException();
        }
    }
}
