package io.switchboard.kpis.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.DomainEvent;
import io.switchboard.bus.Bus;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.bus.DeadLetters;
import io.switchboard.bus.OutageLog;
import io.switchboard.conversation.AgentDesk;
import io.switchboard.rest.RestEndpoint;
import io.switchboard.store.PersonalData;
import io.switchboard.store.Store;
import io.switchboard.workorders.WorkOrders;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.builder.RouteBuilder;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The KPI bundle's one DS component: owns its CamelContext (the refresh that reads, judges and
 * announces the KPIs; its own durable queue on {@code sb.events} for complaints and closing work
 * orders), serves {@code /switchboard/api/kpis} and registers the queues' MBeans. Configured by
 * {@code etc/io.switchboard.kpis.cfg}; a change restarts the component with the new values.
 */
@Component(immediate = true, configurationPid = "io.switchboard.kpis", service = {})
@Designate(ocd = KpiService.Config.class)
public class KpiService {

    private static final Logger LOG = LoggerFactory.getLogger(KpiService.class);

    @ObjectClassDefinition(name = "Switchboard KPIs")
    public @interface Config {
        @AttributeDefinition(description = "Seconds between refreshes of the KPIs (and checks of the targets)")
        int refreshSeconds() default 5;

        @AttributeDefinition(description = "Minutes of the sliding window the service level, speed of answer and abandoned are counted over")
        int windowMinutes() default 15;

        @AttributeDefinition(description = "Seconds from queued to an agent's first response that count as in time (keep equal to routing's slaSeconds)")
        int slaSeconds() default 30;

        @AttributeDefinition(description = "Service-level target of every queue: the share answered in time, 0 to 1")
        double serviceLevelTarget() default 0.8;

        @AttributeDefinition(description = "Targets of single queues: queue=target separated by ';', e.g. billing:3=0.9; 售后:1=0.85")
        String queueTargets() default "";

        @AttributeDefinition(description = "Conversations that must count in the window before a queue can be breached")
        int minConversations() default 5;

        @AttributeDefinition(description = "A breached queue recovers at target + this margin")
        double recoveryMargin() default 0.05;

        @AttributeDefinition(description = "Supervisors alerted on a breach and a recovery: channel:address, comma separated")
        String alert_to() default "";

        @AttributeDefinition(description = "Alert text on a breach; {queue} {kpi} {value} {target} {window} are filled in")
        String alert_breachedText() default "【服务水平告警】队列 {queue} 的服务水平 {value} 低于目标 {target}（最近 {window} 分钟）。";

        @AttributeDefinition(description = "Alert text on a recovery")
        String alert_recoveredText() default "【服务水平恢复】队列 {queue} 的服务水平已回到 {value}（目标 {target}）。";

        @AttributeDefinition(description = "Words that make a customer's message a complaint about the service, comma separated")
        String complaint_keywords() default "断网, 没信号, 没有信号, 网络故障, 上不了网, 网速慢, no signal, outage, no internet, network down";

        @AttributeDefinition(description = "Area names looked for in a complaint's text, comma separated; else the customer's area:<name> tag")
        String complaint_areas() default "";

        @AttributeDefinition(description = "Complaints about one area within the window that make one work order")
        int complaint_threshold() default 5;

        @AttributeDefinition(description = "Minutes within which the complaints of a cluster must arrive")
        int complaint_windowMinutes() default 30;

        @AttributeDefinition(description = "Work-order type of a cluster's order")
        String complaint_workOrderType() default "network";

        @AttributeDefinition(description = "Team the order goes to")
        String complaint_team() default "network";

        @AttributeDefinition(description = "The order's title; {area} and {count} are filled in")
        String complaint_title() default "{area} 网络故障（{count} 位客户投诉）";

        @AttributeDefinition(description = "What each linked customer is told when the order closes; {area} {number} are filled in")
        String complaint_closedText() default "您反映的{area}网络故障已修复（{number}）。感谢您的耐心等待！";

        @AttributeDefinition(description = "Minutes one server-sent-event stream lasts before the client reconnects")
        int streamMaxMinutes() default 60;
    }

    static final String EVENTS_ROUTE = "kpis-events";
    static final String REFRESH_ROUTE = "kpis-refresh";
    /** The bundle's own durable queue on the multicast address (etc/artemis.xml). */
    static final String QUEUE = BusAddress.EVENTS + "::" + BusAddress.EVENTS + ".kpis";

    private final BundleRoutes routes;
    private final RestEndpoint endpoint;
    private final QueueMBeans mbeans;

    private final ServiceRegistration<PersonalData> personalData;

    @Activate
    public KpiService(BundleContext context, Config config, @Reference Bus bus, @Reference Store store,
                      @Reference AgentDesk desk, @Reference WorkOrders workOrders) throws Exception {
        store.migrate(CHANGELOG, KpiService.class.getClassLoader());
        CanonicalJson json = new CanonicalJson();
        Scoreboard.Settings settings = settings(config);
        Clusters.Settings clustering = clustering(config);
        Scoreboard board = new Scoreboard(store, new Watch(store, bus, json), () -> settings, Clock.systemUTC());
        Clusters clusters = new Clusters(store, workOrders, desk, () -> clustering);
        mbeans = new QueueMBeans(board::latest);
        long period = Math.max(1, config.refreshSeconds()) * 1000L;
        routes = BundleRoutes.start(context, "switchboard-kpis", bus, routes(json, board, clusters, mbeans, period));
        try {
            endpoint = RestEndpoint.publish(context, "/kpis", RestEndpoint.DEFAULT_MAX_BODY_BYTES, false,
                    new KpisApi(board, clusters, json, Duration.ofMillis(period),
                            Duration.ofMinutes(Math.max(1, config.streamMaxMinutes()))));
        } catch (RuntimeException e) {
            routes.close();
            mbeans.close();
            throw e;
        }
        // last: only a bundle that started may be asked to erase from its tables
        personalData = context.registerService(PersonalData.class, new ComplaintData(), null);
    }

    static final String CHANGELOG = "io/switchboard/kpis/db/changelog.xml";

    static RouteBuilder routes(CanonicalJson json, Scoreboard board, Clusters clusters, QueueMBeans mbeans, long period) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(DeadLetters.forAddress(BusAddress.EVENTS));
                // as a topic: Artemis then attaches to (or, without etc/artemis.xml's declaration, makes)
                // a multicast queue bound to sb.events; as a queue it would make an anycast one no
                // event reaches
                from("bus:topic:" + QUEUE + "?transacted=true&asyncStartListener=true")
                        .routeId(EVENTS_ROUTE)
                        .process(exchange -> clusters.heard(json.fromJson(
                                exchange.getMessage().getMandatoryBody(String.class), DomainEvent.class)));
                OutageLog refreshing = new OutageLog(LOG, REFRESH_ROUTE, Duration.ofMillis(period));
                from("timer:kpis-refresh?delay=1000&period=" + period)
                        .routeId(REFRESH_ROUTE)
                        .process(exchange -> refreshing.run(() -> mbeans.cover(board.refresh())));
            }
        };
    }

    @Deactivate
    void deactivate() {
        personalData.unregister();
        endpoint.close();
        routes.close();
        mbeans.close();
    }

    static Scoreboard.Settings settings(Config c) {
        return new Scoreboard.Settings(
                new Readings.Settings(Duration.ofMinutes(Math.max(1, c.windowMinutes())), Duration.ofSeconds(Math.max(1, c.slaSeconds()))),
                new Watch.Targets(c.serviceLevelTarget(), targets(c.queueTargets()), Math.max(1, c.minConversations()),
                        Math.max(0, c.recoveryMargin())),
                new Watch.Alerting(Watch.addresses(c.alert_to()), c.alert_breachedText(), c.alert_recoveredText()));
    }

    static Clusters.Settings clustering(Config c) {
        return new Clusters.Settings(list(c.complaint_keywords()), list(c.complaint_areas()),
                Math.max(1, c.complaint_threshold()), Duration.ofMinutes(Math.max(1, c.complaint_windowMinutes())),
                c.complaint_workOrderType().strip(), c.complaint_team().strip(), c.complaint_title(),
                c.complaint_closedText());
    }

    /** {@code billing:3=0.9; 售后:1=0.85}; each queue named as {@link Queues} names it. */
    static Map<String, Double> targets(String text) {
        Map<String, Double> targets = new LinkedHashMap<>();
        for (String part : text == null ? new String[0] : text.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.lastIndexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("queueTargets: '" + part.strip() + "' is not queue=target");
            }
            String queue = part.substring(0, eq).strip();
            targets.put(Queues.GENERAL.equals(queue) ? queue : Queues.of(List.of(queue.split(","))),
                    Double.parseDouble(part.substring(eq + 1).strip()));
        }
        return targets;
    }

    static List<String> list(String text) {
        List<String> all = new ArrayList<>();
        for (String part : text == null ? new String[0] : text.split(",")) {
            if (!part.isBlank()) {
                all.add(part.strip());
            }
        }
        return all;
    }
}
