package ${package}.internal;

import io.switchboard.api.Agent;
import io.switchboard.api.AgentLoad;
import io.switchboard.api.Assignment;
import io.switchboard.api.QueuedConversation;
import io.switchboard.api.RoutingRequest;
import io.switchboard.api.RoutingStrategy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The ${strategy} routing strategy: the bundle's one DS component, a {@link RoutingStrategy} service.
 * The router uses the strategy of the highest {@code service.ranking} instead of the platform's
 * default. It gives each queued conversation, in queue order, to the least loaded available agent
 * who has its skills at the levels it needs and room on its channel; the longest idle wins a tie.
 * Agents outside the centre (remote, home, field) take a conversation only once it waited
 * {@code overflowAfter}, if {@code overflow} is on. Configured by {@code etc/${package}.cfg}.
 *
 * <p>The router calls it with a snapshot and applies each assignment with a compare-and-set, so it is
 * a pure function: no I/O, no state between calls. What it leaves out stays queued for the next round.
 */
@Component(service = RoutingStrategy.class, configurationPid = "${package}", property = "service.ranking:Integer=100")
@Designate(ocd = ${strategyClass}Strategy.Config.class)
public class ${strategyClass}Strategy implements RoutingStrategy {

    @ObjectClassDefinition(name = "${strategyClass} routing strategy")
    public @interface Config {
        @AttributeDefinition(description = "Whether remote, home and field agents take conversations that waited the router's overflowAfterSeconds")
        boolean overflow() default true;

        @AttributeDefinition(description = "Most conversations one agent carries in all, across channels (0: only the capacity per channel counts)")
        int maxLoad() default 0;
    }

    static final String NAME = "${strategy}";

    private final boolean overflow;
    private final int maxLoad;

    @Activate
    public ${strategyClass}Strategy(Config config) {
        this(config.overflow(), config.maxLoad());
    }

    ${strategyClass}Strategy(boolean overflow, int maxLoad) {
        this.overflow = overflow;
        this.maxLoad = Math.max(0, maxLoad);
    }

    @Override
    public List<Assignment> route(RoutingRequest request) {
        // what this round gave each agent so far, on top of what they carried
        Map<String, Map<String, Integer>> given = new HashMap<>();
        List<Assignment> decided = new ArrayList<>();
        for (QueuedConversation conversation : request.queue()) {
            boolean overflowed = overflow
                    && !conversation.queuedAt().plus(request.overflowAfter()).isAfter(request.now());
            request.agents().stream()
                    .filter(a -> a.agent().presence() == Agent.Presence.AVAILABLE)
                    .filter(a -> a.agent().workplace() == Agent.Workplace.CENTRE || overflowed)
                    .filter(a -> qualified(a.agent(), conversation.skills()))
                    .filter(a -> a.freeOn(conversation.channel()) > given(given, a, conversation.channel()))
                    .filter(a -> maxLoad == 0 || load(a, given) < maxLoad)
                    .min(Comparator.<AgentLoad>comparingInt(a -> load(a, given))
                            .thenComparing(a -> a.idleSince() == null ? Instant.MIN : a.idleSince())
                            .thenComparing(a -> a.agent().id()))
                    .ifPresent(agent -> {
                        int load = load(agent, given);
                        given.computeIfAbsent(agent.agent().id(), id -> new HashMap<>())
                                .merge(conversation.channel(), 1, Integer::sum);
                        decided.add(new Assignment(conversation.conversationId(), agent.agent().id(),
                                NAME + ": least loaded (" + load + ")"
                                        + (agent.agent().workplace() == Agent.Workplace.CENTRE ? "" : ", overflow " + agent.agent().workplace())));
                    });
        }
        return decided;
    }

    static boolean qualified(Agent agent, Map<String, Integer> needed) {
        return needed.entrySet().stream().allMatch(n -> agent.skills().getOrDefault(n.getKey(), 0) >= n.getValue());
    }

    private static int given(Map<String, Map<String, Integer>> given, AgentLoad agent, String channel) {
        return given.getOrDefault(agent.agent().id(), Map.of()).getOrDefault(channel, 0);
    }

    private static int load(AgentLoad agent, Map<String, Map<String, Integer>> given) {
        int carried = agent.active().values().stream().mapToInt(Integer::intValue).sum();
        return carried + given.getOrDefault(agent.agent().id(), Map.of()).values().stream().mapToInt(Integer::intValue).sum();
    }
}
