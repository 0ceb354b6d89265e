package io.switchboard.routing.internal;

import io.switchboard.api.Agent;
import io.switchboard.api.AgentLoad;
import io.switchboard.api.Assignment;
import io.switchboard.api.Conversation;
import io.switchboard.api.ConversationState;
import io.switchboard.api.Customer;
import io.switchboard.api.Outage;
import io.switchboard.api.QueuedConversation;
import io.switchboard.api.RoutingRequest;
import io.switchboard.api.RoutingStrategy;
import io.switchboard.bus.OutageLog;
import io.switchboard.conversation.AgentDesk;
import io.switchboard.store.Store;
import io.switchboard.store.StoreSession;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routing rounds: read the queue and the agents in one transaction, let the strategy decide, apply
 * each decision through the {@link AgentDesk}'s compare-and-set. Rounds run on one thread of their
 * own, every interval and at once when {@link #nudge() nudged}, never two at a time; nudges that
 * arrive while a round runs make one more round, not one each.
 *
 * <p>Public for the routing benchmark, which drives rounds on a database of its own.
 */
public final class Rounds implements AutoCloseable {

    /**
     * Queue priority the core gives a VIP's conversation (at opening and at hand-off, from the tier
     * at that time); escalations may go above it.
     */
    public static final int VIP_PRIORITY = 10;

    public record Settings(Duration overflowAfter, int batch) {
    }

    /** What the router has done since it started; for the REST figures and JMX. */
    public record Figures(long rounds, long assignments, long lostRaces, long failures, long lastRoundMillis,
                   long lastReadMillis, long lastStrategyMillis, int lastQueued, int lastAssigned, String strategy, Instant lastRoundAt,
                   String lastError) {
    }

    /** One round's outcome. */
    public record Outcome(int queued, int decided, List<Assignment> applied) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(Rounds.class);

    private final Store store;
    private final AgentDesk desk;
    private final Supplier<RoutingStrategy> plugged;
    private final Settings settings;
    private final Clock clock;
    private final SkillRouting fallback = new SkillRouting();
    private final ScheduledExecutorService thread;
    private final AtomicBoolean nudged = new AtomicBoolean();

    private final AtomicLong rounds = new AtomicLong();
    private final AtomicLong assignments = new AtomicLong();
    private final AtomicLong lostRaces = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile long lastRoundMillis;
    private volatile long lastReadMillis;
    private volatile long lastStrategyMillis;
    private volatile int lastQueued;
    private volatile int lastAssigned;
    private volatile String lastStrategy = SkillRouting.class.getName();
    private volatile Instant lastRoundAt;
    private volatile String lastError;
    private final Set<String> logged = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Says a failed round: the database away once, not every half second until it is back. */
    private volatile OutageLog roundsLog = new OutageLog(LOG, "routing rounds", Duration.ofMillis(500));
    /** Queues below their service-level target as of the last snapshot; only the routing thread uses it. */
    private Set<String> breached = Set.of();
    /** Whether the KPI bundle's table was seen; it is not looked for again once it was. */
    private boolean kpisInstalled;

    /**
     * @param plugged the strategy a plugin registered, or null for none: the default then decides
     */
    public Rounds(Store store, AgentDesk desk, Supplier<RoutingStrategy> plugged, Settings settings, Clock clock) {
        this.store = store;
        this.desk = desk;
        this.plugged = plugged;
        this.settings = settings;
        this.clock = clock;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "switchboard-routing");
            t.setDaemon(true);
            return t;
        });
    }

    /** Rounds every {@code intervalMillis} from now on, the first at once. */
    void start(long intervalMillis) {
        long every = Math.max(10, intervalMillis);
        roundsLog = new OutageLog(LOG, "routing rounds", Duration.ofMillis(every));
        thread.scheduleWithFixedDelay(this::scheduled, 0, every, TimeUnit.MILLISECONDS);
    }

    /** Something changed that routing may act on: a round soon, coalesced with others asked for meanwhile. */
    void nudge() {
        if (nudged.compareAndSet(false, true)) {
            try {
                thread.execute(this::scheduled);
            } catch (RejectedExecutionException closing) {
                nudged.set(false);
            }
        }
    }

    private void scheduled() {
        nudged.set(false);
        try {
            round();
        } catch (RuntimeException | LinkageError e) {
            // a periodic task that throws is never run again; the next round may well succeed
            failures.incrementAndGet();
            lastError = "routing round failed: " + e;
            roundsLog.failed(e);
            return;
        }
        roundsLog.worked();
    }

    /** One round, on the caller's thread. Not to be called while {@link #start started}. */
    public Outcome round() {
        long begin = System.nanoTime();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        RoutingRequest request = store.inTransaction(s -> snapshot(s, now));
        lastReadMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
        List<Assignment> decided = List.of();
        List<Assignment> applied = new ArrayList<>();
        if (!request.queue().isEmpty() && !request.agents().isEmpty()) {
            long t0 = System.nanoTime();
            decided = decide(request);
            lastStrategyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            applied = apply(request, decided);
        } else {
            lastStrategyMillis = 0;
        }
        rounds.incrementAndGet();
        lastQueued = request.queue().size();
        lastAssigned = applied.size();
        lastRoundAt = now;
        lastRoundMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
        return new Outcome(request.queue().size(), decided.size(), applied);
    }

    private RoutingRequest snapshot(StoreSession s, Instant now) throws SQLException {
        List<Conversation> queued = s.conversations().inState(ConversationState.QUEUED, settings.batch());
        breached = queued.isEmpty() ? Set.of() : breached(s);
        if (queued.isEmpty()) {
            return new RoutingRequest(List.of(), List.of(), now, settings.overflowAfter());
        }
        List<QueuedConversation> queue = new ArrayList<>(queued.size());
        for (Conversation c : queued) {
            Map<String, Integer> skills;
            try {
                skills = QueuedConversation.parseSkills(c.skills());
            } catch (NumberFormatException e) {
                failed("conversation " + c.id() + " has unreadable skills " + c.skills() + "; it is not routed", null);
                continue;
            }
            // The tier is not read per customer: that would be one query per queued conversation in
            // every round. The core sets the VIP priority from the tier when the conversation is
            // opened and when it is handed to the queue, so the priority carries it.
            Customer.Tier tier = c.priority() >= VIP_PRIORITY ? Customer.Tier.VIP : Customer.Tier.STANDARD;
            queue.add(new QueuedConversation(c.id(), c.customerId(), c.address().channel(), skills, tier, c.priority(),
                    c.queuedAt() != null ? c.queuedAt() : c.updatedAt()));
        }
        List<Agent> online = s.agents().all().stream().filter(a -> a.presence() != Agent.Presence.OFFLINE).toList();
        if (online.isEmpty()) {
            return new RoutingRequest(queue, List.of(), now, settings.overflowAfter());
        }
        Map<String, Map<String, Integer>> load = s.conversations().activeLoad();
        Map<String, Instant> idle = s.agents().idleSince();
        List<AgentLoad> agents = new ArrayList<>(online.size());
        for (Agent a : online) {
            agents.add(new AgentLoad(a, load.get(a.id()), idle.get(a.id())));
        }
        return new RoutingRequest(queue, agents, now, settings.overflowAfter());
    }

    /**
     * The queues the KPI bundle (switchboard-kpis) holds below their service-level target, from its
     * table, which is the breach state it announces with kpi.breached/kpi.recovered: read here
     * rather than from the events so a restart of routing (any change of its configuration) keeps
     * it. Without that bundle there is no table and nothing overflows early.
     */
    private Set<String> breached(StoreSession s) throws SQLException {
        java.sql.Connection c = s.connection();
        if (!kpisInstalled) {
            java.sql.DatabaseMetaData meta = c.getMetaData();
            for (String name : List.of("kpi_queue_state", "KPI_QUEUE_STATE")) {
                try (java.sql.ResultSet rs = meta.getTables(null, null, name, null)) {
                    kpisInstalled |= rs.next();
                }
            }
            if (!kpisInstalled) {
                return Set.of();
            }
        }
        Set<String> queues = new HashSet<>();
        try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT queue FROM kpi_queue_state WHERE breached = TRUE");
             java.sql.ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                queues.add(rs.getString(1));
            }
        }
        return queues;
    }

    private List<Assignment> decide(RoutingRequest request) {
        RoutingStrategy strategy = plugged == null ? null : plugged.get();
        if (strategy == null) {
            lastStrategy = fallback.getClass().getName();
            return fallback.route(request, breached);
        }
        lastStrategy = strategy.getClass().getName();
        try {
            List<Assignment> decided = strategy.route(request);
            return decided == null ? List.of() : decided;
        } catch (RuntimeException | LinkageError e) {
            // customers should not wait because a plugin broke (or was uninstalled mid-round)
            failures.incrementAndGet();
            failed("routing strategy " + lastStrategy + " failed (" + e + "); the default routes this round", e);
            return fallback.route(request, breached);
        }
    }

    private List<Assignment> apply(RoutingRequest request, List<Assignment> decided) {
        // a plugged strategy may answer anything: only queued conversations, known agents, each once
        Set<String> queued = new HashSet<>();
        request.queue().forEach(q -> queued.add(q.conversationId()));
        Set<String> agents = new HashSet<>();
        request.agents().forEach(a -> agents.add(a.agent().id()));
        List<Assignment> applied = new ArrayList<>();
        RuntimeException outage = null;
        for (Assignment a : decided) {
            if (a == null || !agents.contains(a.agentId()) || !queued.remove(a.conversationId())) {
                continue;
            }
            try {
                if (desk.assign(a.conversationId(), a.agentId(), a.reason())) {
                    applied.add(a);
                } else {
                    lostRaces.incrementAndGet();
                }
            } catch (NoSuchElementException | IllegalStateException | IllegalArgumentException e) {
                lostRaces.incrementAndGet();
            } catch (RuntimeException e) {
                // the rest would fail alike; the next round retries
                if (Outage.isOutage(e)) {
                    // the round fails with it once what was applied is recorded, and the outage is said once,
                    // not once per conversation it held up
                    outage = e;
                } else {
                    failures.incrementAndGet();
                    failed("assigning " + a.conversationId() + " to " + a.agentId() + " failed: " + e, e);
                }
                break;
            }
        }
        if (!applied.isEmpty()) {
            assignments.addAndGet(applied.size());
            // AgentDesk.assign does not promise to restart the agent's idle clock; fairness needs it
            Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
            store.inTransaction(s -> {
                for (Assignment a : applied) {
                    s.agents().assigned(a.agentId(), at);
                }
                return null;
            });
        }
        if (outage != null) {
            throw outage;
        }
        return applied;
    }

    /** Logged once per distinct failure, not every half second while it lasts. */
    private void failed(String why, Throwable e) {
        if (logged.size() > 1000) {
            logged.clear();
        }
        if (logged.add(why)) {
            if (e == null) {
                LOG.warn(why);
            } else {
                LOG.warn(why, e);
            }
        }
        lastError = why;
    }

    public Figures figures() {
        return new Figures(rounds.get(), assignments.get(), lostRaces.get(), failures.get(), lastRoundMillis,
                lastReadMillis, lastStrategyMillis, lastQueued, lastAssigned, lastStrategy, lastRoundAt, lastError);
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("a routing round is still running after 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
