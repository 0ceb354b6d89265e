package io.switchboard.routing.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.RoutingStrategy;
import io.switchboard.bus.Bus;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.conversation.AgentDesk;
import io.switchboard.rest.RestEndpoint;
import io.switchboard.store.Store;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bundle's one DS component: routing rounds on a thread of its own, the route that starts one
 * when an event says the queue or the agents changed, the {@code /agents} API and the router's
 * figures in JMX. Configured by {@code etc/io.switchboard.routing.cfg}.
 *
 * <p>Rounds use the {@link RoutingStrategy} service of the highest {@code service.ranking} if a
 * plugin registered one, else {@link SkillRouting}.
 */
@Component(immediate = true, configurationPid = "io.switchboard.routing")
@Designate(ocd = Router.Config.class)
public class Router {

    @ObjectClassDefinition(name = "Switchboard routing")
    public @interface Config {
        @AttributeDefinition(description = "Milliseconds between routing rounds (events start one sooner)")
        long intervalMillis() default 500;

        @AttributeDefinition(description = "Seconds a conversation waits before REMOTE, HOME and FIELD agents may take it")
        int overflowAfterSeconds() default 60;

        @AttributeDefinition(description = "Seconds from queued to an agent's first response that count as within the SLA")
        int slaSeconds() default 30;

        @AttributeDefinition(description = "Most queued conversations one round considers, in queue order")
        int batch() default 10_000;
    }

    static final String OBJECT_NAME = "io.switchboard:type=Routing,name=router";

    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    @Reference
    private Bus bus;
    @Reference
    private Store store;
    @Reference
    private AgentDesk desk;
    /**
     * The highest-ranked strategy a plugin registered, swapped at once when a better one comes; like
     * the others, set before {@link #activate}, so even the first round sees it.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile RoutingStrategy plugged;

    private Rounds rounds;
    private BundleRoutes routes;
    private RestEndpoint endpoint;
    private ObjectName mbean;

    @Activate
    void activate(BundleContext context, Config config) throws Exception {
        CanonicalJson json = new CanonicalJson();
        rounds = new Rounds(store, desk, () -> plugged,
                new Rounds.Settings(Duration.ofSeconds(Math.max(0, config.overflowAfterSeconds())),
                        Math.max(1, config.batch())),
                Clock.systemUTC());
        try {
            routes = BundleRoutes.start(context, "switchboard-routing", bus, new EventRoutes(json, rounds::nudge));
            endpoint = RestEndpoint.publish(context, "/agents", RestEndpoint.DEFAULT_MAX_BODY_BYTES, false,
                    new AgentsApi(store, Duration.ofSeconds(Math.max(1, config.slaSeconds())), rounds::figures,
                            event -> bus.publish(BusAddress.EVENTS, json.toJson(event), event.busProperties()),
                            rounds::nudge, Clock.systemUTC()));
        } catch (Exception | Error e) {
            if (routes != null) {
                routes.close();
            }
            rounds.close();
            throw e;
        }
        mbean = register(rounds);
        rounds.start(config.intervalMillis());
    }

    @Deactivate
    void deactivate() {
        rounds.close();
        unregister(mbean);
        endpoint.close();
        routes.close();
    }

    /** The router's figures for Hawtio and any JMX console; routing works without them. */
    private static ObjectName register(Rounds rounds) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName(OBJECT_NAME);
            if (server.isRegistered(name)) {
                server.unregisterMBean(name); // left by an instance that did not deactivate cleanly
            }
            server.registerMBean(new StandardMBean(new RoutingFigures(rounds), RoutingMXBean.class, true), name);
            return name;
        } catch (JMException | RuntimeException e) {
            LOG.warn("routing figures not registered in JMX: {}", e.toString());
            return null;
        }
    }

    private static void unregister(ObjectName name) {
        if (name == null) {
            return;
        }
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (JMException | RuntimeException e) {
            LOG.debug("routing MBean already gone: {}", e.toString());
        }
    }

    /** What JMX shows of {@link Rounds#figures()}. */
    public interface RoutingMXBean {
        long getRounds();

        long getAssignments();

        long getLostRaces();

        long getFailures();

        long getLastRoundMillis();

        long getLastReadMillis();

        long getLastStrategyMillis();

        int getLastQueued();

        int getLastAssigned();

        String getStrategy();

        String getLastError();
    }

    private record RoutingFigures(Rounds rounds) implements RoutingMXBean {
        public long getRounds() {
            return rounds.figures().rounds();
        }

        public long getAssignments() {
            return rounds.figures().assignments();
        }

        public long getLostRaces() {
            return rounds.figures().lostRaces();
        }

        public long getFailures() {
            return rounds.figures().failures();
        }

        public long getLastRoundMillis() {
            return rounds.figures().lastRoundMillis();
        }

        public long getLastReadMillis() {
            return rounds.figures().lastReadMillis();
        }

        public long getLastStrategyMillis() {
            return rounds.figures().lastStrategyMillis();
        }

        public int getLastQueued() {
            return rounds.figures().lastQueued();
        }

        public int getLastAssigned() {
            return rounds.figures().lastAssigned();
        }

        public String getStrategy() {
            return rounds.figures().strategy();
        }

        public String getLastError() {
            return rounds.figures().lastError();
        }
    }
}
