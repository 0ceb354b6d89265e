package io.switchboard.flows.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.BusinessEvent;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.DomainEvent;
import io.switchboard.api.SystemReply;
import io.switchboard.bot.BotSkill;
import io.switchboard.bus.Bus;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.bus.DeadLetters;
import io.switchboard.bus.OutageLog;
import io.switchboard.conversation.AgentDesk;
import io.switchboard.conversation.CustomerDirectory;
import io.switchboard.rest.RestEndpoint;
import io.switchboard.store.PersonalData;
import io.switchboard.store.Store;
import io.switchboard.workorders.WorkOrders;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.builder.RouteBuilder;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flows bundle's one DS component: owns its tables and CamelContext (billing's replies, the
 * systems' events, a sweep) and serves {@code /switchboard/api/flows} and {@code /switchboard/api/systems}.
 * Configured by {@code etc/io.switchboard.flows.cfg}; a change applies without a restart.
 */
@Component(immediate = true, configurationPid = "io.switchboard.flows")
@Designate(ocd = FlowService.Config.class)
public class FlowService {

    @ObjectClassDefinition(name = "Switchboard flows")
    public @interface Config {
        @AttributeDefinition(description = "Minutes billing may take to answer (through an outage) before the flow fails as expired")
        int billingWaitMinutes() default 240;

        @AttributeDefinition(description = "What a customer whose line is suspended for arrears is told; {account} {arrears} {since}")
        String arrearsText() default "您好，您的账户 {account} 因欠费 ¥{arrears} 已于 {since} 停机，线路本身没有故障。缴清欠费后服务将自动恢复，无需上门维修。";

        @AttributeDefinition(description = "Comma-separated operations of agents' requests to systems that only a supervisor"
                + " or admin may ask for, even in a conversation an agent holds (empty: none)")
        String supervisedOperations() default "Refund";

        @AttributeDefinition(description = "Team the repair work orders go to")
        String repairTeam() default "field";

        @AttributeDefinition(description = "Seconds between sweeps that put requests the bus did not take on it again")
        int sweepSeconds() default 30;

        @AttributeDefinition(description = "Comma-separated words by which a customer asks the bot to ship luggage (opens the pickup dialogue)")
        String luggageKeywords() default "寄行李,托运行李,运行李,超大行李,大件行李,行李托运,上门取件,ship luggage,oversized luggage,luggage pickup";

        @AttributeDefinition(description = "Team the pickup work orders go to")
        String pickupTeam() default "couriers";

        @AttributeDefinition(description = "Minutes the courier company may take to answer a pickup (through an outage) before it is marked failed")
        int logisticsWaitMinutes() default 240;

        @AttributeDefinition(description = "Kilograms from which the courier brings a van")
        double vanKg() default 20;

        @AttributeDefinition(description = "Longest side in centimetres from which the courier brings a van")
        int vanCm() default 100;

        @AttributeDefinition(description = "Kilograms from which the courier brings a car rather than a scooter")
        double carKg() default 5;

        @AttributeDefinition(description = "Longest side in centimetres from which the courier brings a car")
        int carCm() default 60;

        @AttributeDefinition(description = "Longest side in centimetres from which the courier brings a large bag")
        int largeBagCm() default 80;
    }

    static final String CHANGELOG = "io/switchboard/flows/db/changelog.xml";
    private static final Logger LOG = LoggerFactory.getLogger(FlowService.class);

    private final RepairFlows flows;
    private final PickupFlows pickups;
    private final AtomicReference<LuggageSkill.Settings> luggage = new AtomicReference<>();
    private final ServiceRegistration<BotSkill> skill;
    private final BundleRoutes routes;
    private final RestEndpoint flowEndpoint;
    private final RestEndpoint systemsEndpoint;

    private final ServiceRegistration<PersonalData> personalData;

    @Activate
    public FlowService(BundleContext context, Config config, @Reference Bus bus, @Reference Store store,
                       @Reference AgentDesk desk, @Reference CustomerDirectory directory, @Reference WorkOrders workOrders)
            throws Exception {
        store.migrate(CHANGELOG, FlowService.class.getClassLoader());
        store.migrate(AgentRequests.CHANGELOG, FlowService.class.getClassLoader());
        CanonicalJson json = new CanonicalJson();
        Systems systems = new Systems(store);
        flows = new RepairFlows(store, bus, desk, directory, workOrders, systems, json, Clock.systemUTC(), settings(config));
        AgentRequests requests = new AgentRequests(store, bus, desk, directory, systems, json, Clock.systemUTC(),
                java.util.Arrays.stream(config.supervisedOperations().split(",")).map(String::trim).filter(o -> !o.isEmpty())
                        .collect(java.util.stream.Collectors.toSet()));
        pickups = new PickupFlows(store, bus, workOrders, json, Clock.systemUTC(), pickupSettings(config));
        luggage.set(luggageSettings(config));
        routes = BundleRoutes.start(context, "switchboard-flows", bus, routes(flows, systems, json,
                Duration.ofSeconds(Math.max(1, config.sweepSeconds()))),
                pickupRoutes(pickups, json, Duration.ofSeconds(Math.max(1, config.sweepSeconds()))),
                requests.routes(Duration.ofSeconds(Math.max(1, config.sweepSeconds()))));
        skill = context.registerService(BotSkill.class, new LuggageSkill(pickups, directory, luggage::get), null);
        RestEndpoint published = null;
        try {
            published = RestEndpoint.publish(context, "/flows", RestEndpoint.DEFAULT_MAX_BODY_BYTES, false, new FlowApi(flows));
            systemsEndpoint = RestEndpoint.publish(context, "/systems", RestEndpoint.DEFAULT_MAX_BODY_BYTES, false,
                    new SystemsApi(systems), new AgentRequestsApi(requests), new AgentRequestApi(requests));
        } catch (RuntimeException e) {
            if (published != null) {
                published.close();
            }
            routes.close();
            throw e;
        }
        flowEndpoint = published;
        // last: only a bundle that started may be asked to erase from its tables
        personalData = context.registerService(PersonalData.class, new FlowData(), null);
    }

    @Modified
    void modified(Config config) {
        flows.configure(settings(config));
        pickups.configure(pickupSettings(config));
        luggage.set(luggageSettings(config));
    }

    static PickupFlows.Settings pickupSettings(Config config) {
        return new PickupFlows.Settings(config.pickupTeam(), Duration.ofMinutes(Math.max(1, config.logisticsWaitMinutes())));
    }

    static LuggageSkill.Settings luggageSettings(Config config) {
        return new LuggageSkill.Settings(Arrays.stream(config.luggageKeywords().split(",")).map(String::strip)
                .filter(k -> !k.isEmpty()).toList(), new Luggage.Thresholds(config.vanKg(), config.vanCm(), config.carKg(),
                config.carCm(), config.largeBagCm()));
    }

    /** The courier company's answers and callbacks; both transacted, so a failure is redelivered. */
    static RouteBuilder pickupRoutes(PickupFlows pickups, CanonicalJson json, Duration sweep) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:queue:" + PickupFlows.REPLIES + "?transacted=true&asyncStartListener=true")
                        .routeId("flows-pickup-replies")
                        .errorHandler(DeadLetters.forAddress(PickupFlows.REPLIES))
                        .process(exchange -> pickups.answer(json.fromJson(exchange.getMessage().getMandatoryBody(String.class),
                                SystemReply.class)));
                from("bus:queue:" + PickupFlows.EVENTS + "?transacted=true&asyncStartListener=true")
                        .routeId("flows-business-events")
                        .errorHandler(DeadLetters.forAddress(PickupFlows.EVENTS))
                        .process(exchange -> pickups.follow(json.fromJson(exchange.getMessage().getMandatoryBody(String.class),
                                BusinessEvent.class)));
                OutageLog sweeping = new OutageLog(LOG, "flows-pickup-sweep", sweep);
                from("timer:flows-pickup-sweep?delay=" + sweep.toMillis() + "&period=" + sweep.toMillis())
                        .routeId("flows-pickup-sweep")
                        .process(exchange -> sweeping.run(pickups::sweep));
            }
        };
    }

    @Deactivate
    void deactivate() {
        personalData.unregister();
        skill.unregister();
        systemsEndpoint.close();
        flowEndpoint.close();
        routes.close();
    }

    static RepairFlows.Settings settings(Config config) {
        return new RepairFlows.Settings(Duration.ofMinutes(Math.max(1, config.billingWaitMinutes())), config.arrearsText(),
                config.repairTeam());
    }

    static RouteBuilder routes(RepairFlows flows, Systems systems, CanonicalJson json, Duration sweep) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:queue:" + RepairFlows.REPLIES + "?transacted=true&asyncStartListener=true")
                        .routeId("flows-replies")
                        .errorHandler(DeadLetters.forAddress(RepairFlows.REPLIES))
                        .process(exchange -> flows.answer(json.fromJson(exchange.getMessage().getMandatoryBody(String.class),
                                SystemReply.class)));

                // non-durable: the last state is kept in flow_system, and a connector says it again on its next change
                from("bus:topic:" + BusAddress.EVENTS + "?asyncStartListener=true&messageSelector=RAW("
                        + BusAddress.EVENT_TYPE + " LIKE 'system.%')")
                        .routeId("flows-systems")
                        .process(exchange -> {
                            String body = exchange.getMessage().getBody(String.class);
                            if (body == null || !body.contains("\"system.")) {
                                return;
                            }
                            try {
                                systems.follow(json.fromJson(body, DomainEvent.class));
                            } catch (IllegalArgumentException e) {
                                LOG.debug("not a domain event on {}: {}", BusAddress.EVENTS, e.getMessage());
                            }
                        });

                OutageLog sweeping = new OutageLog(LOG, "flows-sweep", sweep);
                from("timer:flows-sweep?delay=" + sweep.toMillis() + "&period=" + sweep.toMillis())
                        .routeId("flows-sweep")
                        .process(exchange -> sweeping.run(flows::sweep));
            }
        };
    }
}
