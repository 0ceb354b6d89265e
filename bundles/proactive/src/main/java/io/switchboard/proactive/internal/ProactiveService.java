package io.switchboard.proactive.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.BusinessEvent;
import io.switchboard.api.CanonicalJson;
import io.switchboard.bus.Bus;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.bus.DeadLetters;
import io.switchboard.bus.OutageLog;
import io.switchboard.conversation.AgentDesk;
import io.switchboard.rest.RestEndpoint;
import io.switchboard.store.PersonalData;
import io.switchboard.store.Store;
import io.switchboard.workorders.WorkOrders;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.builder.RouteBuilder;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
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
 * The proactive bundle's one DS component: owns its CamelContext (business events off
 * {@code sb.business-events}, transacted; the sweep that sends pushes once quiet hours end) and
 * serves {@code /switchboard/api/proactive}. Rules come and go with their configuration files.
 */
@Component(immediate = true, configurationPid = "io.switchboard.proactive", service = {})
@Designate(ocd = ProactiveService.Config.class)
public class ProactiveService {

    private static final Logger LOG = LoggerFactory.getLogger(ProactiveService.class);

    @ObjectClassDefinition(name = "Switchboard proactive service")
    public @interface Config {
        @AttributeDefinition(description = "Seconds between sweeps that send pushes whose quiet hours are over,"
                + " or that the bus did not take")
        int sweepSeconds() default 30;
    }

    static final String INBOUND_ROUTE = "proactive-business-events";
    /** The proactive service's own durable queue on the multicast address (etc/artemis.xml). */
    static final String QUEUE = BusAddress.BUSINESS_EVENTS + "::" + BusAddress.BUSINESS_EVENTS + ".proactive";

    private final List<Rule> rules = new CopyOnWriteArrayList<>();

    /** Optional: without work orders, a "workorder:" entry names nobody. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile WorkOrders workOrders;
    private final BundleRoutes routes;
    private final RestEndpoint endpoint;

    private final ServiceRegistration<PersonalData> personalData;

    @Activate
    public ProactiveService(BundleContext context, Config config, @Reference Bus bus, @Reference Store store,
                            @Reference AgentDesk desk) throws Exception {
        store.migrate("io/switchboard/proactive/db/changelog.xml", ProactiveService.class.getClassLoader());
        Outreach outreach = new Outreach(store, desk, () -> List.copyOf(rules), this::customerOfWorkOrder);
        CanonicalJson json = new CanonicalJson();
        long period = Math.max(1, config.sweepSeconds()) * 1000L;
        routes = BundleRoutes.start(context, "switchboard-proactive", bus, new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(DeadLetters.forAddress(BusAddress.BUSINESS_EVENTS));
                from("bus:queue:" + QUEUE + "?transacted=true&asyncStartListener=true")
                        .routeId(INBOUND_ROUTE)
                        .process(exchange -> outreach.take(
                                json.fromJson(exchange.getMessage().getMandatoryBody(String.class), BusinessEvent.class)));
                OutageLog sweeping = new OutageLog(LOG, "proactive-sweep", Duration.ofMillis(period));
                from("timer:proactive-sweep?delay=" + period + "&period=" + period)
                        .routeId("proactive-sweep")
                        .process(exchange -> sweeping.run(outreach::sendDue));
            }
        });
        try {
            endpoint = RestEndpoint.publish(context, "/proactive", RestEndpoint.DEFAULT_MAX_BODY_BYTES, false,
                    new ProactiveApi(outreach, bus, json));
        } catch (RuntimeException e) {
            routes.close();
            throw e;
        }
        // last: only a bundle that started may be asked to erase from its tables
        personalData = context.registerService(PersonalData.class, new PushData(), null);
    }

    private Optional<String> customerOfWorkOrder(String idOrNumber) {
        WorkOrders orders = workOrders;
        if (orders == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(orders.workOrder(idOrNumber).customerId());
        } catch (NoSuchElementException e) {
            return Optional.empty();
        }
    }

    @Deactivate
    void deactivate() {
        personalData.unregister();
        endpoint.close();
        routes.close();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addRule(Rule rule) {
        rules.add(rule);
    }

    void removeRule(Rule rule) {
        rules.remove(rule);
    }
}
