package io.switchboard.routing.internal;

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
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * The platform's default routing. VIPs first, then higher priority, then longest waiting; each
 * conversation goes to the longest idle of the agents who are AVAILABLE, have every skill it needs at
 * the level it needs, still have room on its channel, and work in the contact centre, or, once the
 * conversation has waited {@link RoutingRequest#overflowAfter()}, remotely, at home or in the field.
 * Ties in idle time go to the lower agent id, so a round is repeatable.
 *
 * <p>An agent given a conversation in a round counts as busy on its channel and as idle only from
 * now, exactly as the next round would see them, so one round spreads work the way many would.
 *
 * <p>It never scans every agent for every conversation. Agents are sorted once, longest idle first,
 * and indexed by skill. Conversations asking the same (skills, channel, overflow or not) share a
 * {@link Pool} that walks the agents having the rarest of those skills in that order, so each agent
 * is looked at once per pool, not once per conversation. See docs/routing.md for the figures.
 */
public final class SkillRouting implements RoutingStrategy {

    /** The strategy's order of the queue: VIPs, then priority, then who has waited longest. */
    static final Comparator<QueuedConversation> QUEUE_ORDER = Comparator
            .comparing((QueuedConversation q) -> q.tier() != Customer.Tier.VIP)
            .thenComparing(Comparator.comparingInt(QueuedConversation::priority).reversed())
            .thenComparing(QueuedConversation::queuedAt, Comparator.nullsLast(Comparator.naturalOrder()));

    @Override
    public List<Assignment> route(RoutingRequest request) {
        return route(request, Set.of());
    }

    /**
     * @param breached queues (named as {@link #queue} names them) below their service-level target
     *                 (bundle switchboard-kpis): their conversations overflow at once
     */
    List<Assignment> route(RoutingRequest request, Set<String> breached) {
        List<QueuedConversation> queue = new ArrayList<>(request.queue());
        queue.sort(QUEUE_ORDER); // stable: the caller's order decides what the keys leave equal
        return new Round(request, breached).route(queue);
    }

    /**
     * A queue's name: its skills sorted, each {@code name:level}, comma separated; {@code general}
     * for none. The KPI bundle names queues the same way in {@code kpi.breached}.
     */
    static String queue(Map<String, Integer> skills) {
        if (skills.isEmpty()) {
            return "general";
        }
        StringJoiner key = new StringJoiner(",");
        new TreeMap<>(skills).forEach((name, level) -> key.add(name + ":" + level));
        return key.toString();
    }

    /** What a conversation asks of an agent; conversations asking the same share a pool. */
    private record Need(Map<String, Integer> skills, String channel, boolean overflow) {
    }

    /** One round's working state. */
    private static final class Round {
        /** Never given anything (null) counts as idle the longest. */
        private static final Comparator<Candidate> LONGEST_IDLE = Comparator
                .comparing((Candidate c) -> c.idleSince, Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparing(c -> c.id);

        private final Instant now;
        private final Duration overflowAfter;
        /** Longest idle first, as at the start of the round. */
        private final List<Candidate> available = new ArrayList<>();
        /** The same order, per skill. */
        private final Map<String, List<Candidate>> bySkill = new HashMap<>();
        private final Map<Need, Pool> pools = new HashMap<>();
        private final Set<String> breached;
        private long given;

        Round(RoutingRequest request, Set<String> breached) {
            this.breached = breached;
            this.now = request.now();
            this.overflowAfter = request.overflowAfter();
            for (AgentLoad load : request.agents()) {
                if (load.agent().presence() == Agent.Presence.AVAILABLE) {
                    available.add(new Candidate(load, now));
                }
            }
            available.sort(LONGEST_IDLE);
            for (Candidate c : available) {
                for (String skill : c.skills.keySet()) {
                    bySkill.computeIfAbsent(skill, k -> new ArrayList<>()).add(c);
                }
            }
        }

        List<Assignment> route(List<QueuedConversation> queue) {
            List<Assignment> assignments = new ArrayList<>();
            if (available.isEmpty()) {
                return assignments;
            }
            for (QueuedConversation q : queue) {
                boolean overflow = (q.queuedAt() != null && !q.queuedAt().plus(overflowAfter).isAfter(now))
                        || (!breached.isEmpty() && breached.contains(queue(q.skills())));
                Need need = new Need(q.skills(), q.channel(), overflow);
                Pool pool = pools.computeIfAbsent(need, n -> new Pool(n, rarest(n.skills())));
                Candidate chosen = pool.first();
                if (chosen != null) {
                    assignments.add(new Assignment(q.conversationId(), chosen.id, reason(q, chosen)));
                    chosen.took(q.channel(), ++given);
                }
            }
            return assignments;
        }

        /** The agents having the rarest of the skills: everyone who has them all is among them. */
        private List<Candidate> rarest(Map<String, Integer> skills) {
            List<Candidate> fewest = available;
            for (String skill : skills.keySet()) {
                List<Candidate> having = bySkill.getOrDefault(skill, List.of());
                if (having.size() < fewest.size()) {
                    fewest = having;
                }
            }
            return fewest;
        }

        private static String reason(QueuedConversation q, Candidate chosen) {
            List<String> parts = new ArrayList<>(3);
            if (!q.skills().isEmpty()) {
                StringJoiner skills = new StringJoiner(",", "skills ", "");
                // sorted, so the same need always reads the same
                new TreeMap<>(q.skills()).forEach((name, level) -> skills.add(name + ">=" + level));
                parts.add(skills.toString());
            }
            if (q.tier() == Customer.Tier.VIP) {
                parts.add("VIP");
            }
            if (chosen.workplace != Agent.Workplace.CENTRE) {
                parts.add("overflow " + chosen.workplace);
            }
            return parts.isEmpty() ? "longest idle" : String.join("; ", parts);
        }
    }

    /**
     * The agents who can take one need, longest idle first.
     *
     * <p>Agents not yet given work this round keep their order and their eligibility (skills,
     * workplace and room never change until they are given work), so the pool walks them with a
     * cursor that never goes back. An agent given work is idle from now, after every agent the cursor
     * has not passed; the pool notices when the cursor reaches them and moves them to {@link #again},
     * ordered by when they were given work. Their ticket there may go stale when they are given more
     * elsewhere; a stale ticket at the head is renewed (or dropped once they are full on the
     * channel), and as a renewal only ever moves an agent back, a current ticket at the head is the
     * longest idle of them.
     */
    private static final class Pool {
        private final String channel;
        private final boolean overflow;
        private final String[] skills;
        private final int[] levels;
        private final List<Candidate> walk;
        private int cursor;
        private final PriorityQueue<Ticket> again = new PriorityQueue<>(Ticket.FIRST_GIVEN);

        Pool(Need need, List<Candidate> walk) {
            this.channel = need.channel();
            this.overflow = need.overflow();
            this.skills = new String[need.skills().size()];
            this.levels = new int[skills.length];
            int i = 0;
            for (Map.Entry<String, Integer> skill : need.skills().entrySet()) {
                skills[i] = skill.getKey();
                levels[i++] = skill.getValue();
            }
            this.walk = walk;
        }

        /** Skills at the levels asked, and a workplace allowed: what a round does not change. */
        private boolean suits(Candidate c) {
            if (!overflow && c.workplace != Agent.Workplace.CENTRE) {
                return false;
            }
            for (int i = 0; i < skills.length; i++) {
                Integer level = c.skills.get(skills[i]);
                if (level == null || level < levels[i]) {
                    return false;
                }
            }
            return true;
        }

        Candidate first() {
            while (cursor < walk.size()) {
                Candidate c = walk.get(cursor);
                if (!suits(c)) {
                    cursor++;
                } else if (c.order == 0) {
                    if (c.free(channel) > 0) {
                        return c;
                    }
                    cursor++;
                } else {
                    cursor++;
                    if (c.free(channel) > 0) {
                        again.add(c.ticket());
                    }
                }
            }
            Ticket head;
            while ((head = again.peek()) != null) {
                Candidate c = head.candidate();
                if (c.free(channel) <= 0) {
                    again.poll();
                } else if (head.order() != c.order) {
                    again.poll();
                    again.add(c.ticket());
                } else {
                    return c;
                }
            }
            return null;
        }
    }

    /** An agent given work this round, as of their {@code order}-th assignment in it. */
    private record Ticket(Candidate candidate, long order) {
        static final Comparator<Ticket> FIRST_GIVEN = Comparator.comparingLong(Ticket::order);
    }

    /** An available agent during one round. */
    private static final class Candidate {
        final String id;
        final AgentLoad load;
        final Map<String, Integer> skills;
        final Agent.Workplace workplace;
        final Instant idleSince;
        /** Room left per channel, worked out when first asked and counted down as they are given work. */
        private final Map<String, int[]> room = new HashMap<>(4);
        /** Which of the round's assignments was their latest; 0: none yet. */
        long order;

        Candidate(AgentLoad load, Instant now) {
            this.id = load.agent().id();
            this.load = load;
            this.skills = load.agent().skills();
            this.workplace = load.agent().workplace();
            // a clock ahead of ours must not put them after those given work now
            Instant since = load.idleSince();
            this.idleSince = since != null && since.isAfter(now) ? now : since;
        }

        Ticket ticket() {
            return new Ticket(this, order);
        }

        private int[] room(String channel) {
            int[] left = room.get(channel);
            if (left == null) {
                left = new int[] {load.freeOn(channel)};
                room.put(channel, left);
            }
            return left;
        }

        int free(String channel) {
            return room(channel)[0];
        }

        /** One more conversation on {@code channel}: idle from now, after everyone not yet given work. */
        void took(String channel, long order) {
            room(channel)[0]--;
            this.order = order;
        }
    }
}
