package io.switchboard.workorders.internal;

import io.switchboard.api.CanonicalJson;
import io.switchboard.bot.BotSkill;
import io.switchboard.bus.Bus;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.bus.OutageLog;
import io.switchboard.conversation.AgentDesk;
import io.switchboard.conversation.CustomerGrant;
import io.switchboard.rest.RestEndpoint;
import io.switchboard.store.PersonalData;
import io.switchboard.store.Store;
import io.switchboard.workorders.WorkOrder;
import io.switchboard.workorders.WorkOrderChange;
import io.switchboard.workorders.WorkOrderType;
import io.switchboard.workorders.WorkOrders;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work-orders bundle's one DS component: publishes {@link WorkOrders}, owns the bundle's
 * CamelContext (the sweep: escalation, survey answers, notices to send again) and serves
 * {@code /switchboard/api/workorders}. Types come and go with their configuration files.
 */
@Component(immediate = true, configurationPid = "io.switchboard.workorders", service = WorkOrders.class)
@Designate(ocd = WorkOrderService.Config.class)
public class WorkOrderService implements WorkOrders {

    private static final Logger LOG = LoggerFactory.getLogger(WorkOrderService.class);

    @ObjectClassDefinition(name = "Switchboard work orders")
    public @interface Config {
        @AttributeDefinition(description = "Seconds between sweeps: overdue orders escalate, survey answers are read,"
                + " notices the bus did not take are sent again")
        int sweepSeconds() default 10;

        @AttributeDefinition(description = "Days a satisfaction survey waits for the customer's answer")
        int surveyDays() default 7;

        @AttributeDefinition(description = "What the bot says to a customer who answered a survey")
        String surveyThanks() default "感谢您的评价！";
    }

    private final List<TypeDefinition> definitions = new CopyOnWriteArrayList<>();
    private final Board board;
    private final BundleRoutes routes;
    private final RestEndpoint endpoint;
    private final ServiceRegistration<BotSkill> surveySkill;

    private final ServiceRegistration<PersonalData> personalData;
    private final ServiceRegistration<CustomerGrant> assigned;

    @Activate
    public WorkOrderService(BundleContext context, Config config, @Reference Bus bus, @Reference Store store,
                            @Reference AgentDesk desk) throws Exception {
        store.migrate(Ledger.CHANGELOG, WorkOrderService.class.getClassLoader());
        board = new Board(store, bus, desk, new CanonicalJson(), this::byName, Duration.ofDays(Math.max(1, config.surveyDays())));
        long period = Math.max(1, config.sweepSeconds()) * 1000L;
        routes = BundleRoutes.start(context, "switchboard-workorders", bus, new RouteBuilder() {
            @Override
            public void configure() {
                OutageLog sweeping = new OutageLog(LOG, "workorders-sweep", Duration.ofMillis(period));
                from("timer:workorders-sweep?delay=" + period + "&period=" + period)
                        .routeId("workorders-sweep")
                        .process(exchange -> sweeping.run(board::sweep));
            }
        });
        try {
            endpoint = RestEndpoint.publish(context, "/workorders", 8 << 20, false, new WorkOrderApi(board));
        } catch (RuntimeException e) {
            routes.close();
            throw e;
        }
        String thanks = config.surveyThanks();
        surveySkill = context.registerService(BotSkill.class, new SurveySkill(board, () -> thanks), null);
        // last: only a bundle that started may be asked to erase from its tables
        personalData = context.registerService(PersonalData.class, new WorkOrderData(), null);
        assigned = context.registerService(CustomerGrant.class, new AssignedOrders(store), null);
    }

    @Deactivate
    void deactivate() {
        assigned.unregister();
        personalData.unregister();
        surveySkill.unregister();
        endpoint.close();
        routes.close();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addType(TypeDefinition definition) {
        definitions.add(definition);
    }

    void removeType(TypeDefinition definition) {
        definitions.remove(definition);
    }

    private Map<String, WorkOrderType> byName() {
        Map<String, WorkOrderType> all = new TreeMap<>();
        definitions.forEach(d -> all.put(d.type().name(), d.type()));
        return all;
    }

    @Override
    public List<WorkOrderType> types() {
        return board.types();
    }

    @Override
    public WorkOrder create(WorkOrder.Draft draft, String by) {
        return board.create(draft, by);
    }

    @Override
    public WorkOrder workOrder(String id) {
        return board.workOrder(id);
    }

    @Override
    public List<WorkOrder> list(String state, String team, String assignee, String customerId, int limit) {
        return board.list(state, team, assignee, customerId, limit);
    }

    @Override
    public WorkOrder transition(String id, String to, String by, String note, Map<String, String> data) {
        return board.transition(id, to, by, note, data);
    }

    @Override
    public WorkOrder assign(String id, String team, String assignee, String by) {
        return board.assign(id, team, assignee, by);
    }

    @Override
    public WorkOrderChange note(String id, String text, String by) {
        return board.note(id, text, by);
    }

    @Override
    public WorkOrder refer(String id, java.util.Map<String, String> references, String by) {
        return board.refer(id, references, by);
    }

    @Override
    public String attach(String id, String name, String mediaType, byte[] content, String by) {
        return board.attach(id, name, mediaType, content, by);
    }

    @Override
    public Attachment attachment(String id, String attachmentId) {
        return board.attachment(id, attachmentId);
    }

    @Override
    public List<WorkOrderChange> history(String id) {
        return board.history(id);
    }

    @Override
    public WorkOrder rate(String id, int score, String by) {
        return board.rate(id, score, by);
    }

    @Override
    public Map<String, Map<String, Double>> satisfaction() {
        return board.satisfaction();
    }
}
