package io.switchboard.conversation.internal;

import io.switchboard.api.CanonicalJson;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.bus.Bus;
import io.switchboard.conversation.AgentDesk;
import io.switchboard.conversation.CustomerDirectory;
import io.switchboard.conversation.CustomerGrant;
import io.switchboard.store.PersonalData;
import io.switchboard.store.Store;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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

/**
 * The bundle's one DS component: it owns the bundle's CamelContext (the inbound route) and offers
 * {@link AgentDesk} and {@link CustomerDirectory} while the route runs, and sweeps closed conversations
 * past their {@link Retention} period. Configured by {@code etc/io.switchboard.conversation.cfg}.
 */
@Component(immediate = true, configurationPid = "io.switchboard.conversation")
@Designate(ocd = ConversationService.Config.class)
public class ConversationService {

    @ObjectClassDefinition(name = "Switchboard conversations")
    public @interface Config {
        @AttributeDefinition(description = "New and reopened conversations start with the bot (false: straight to the queue)")
        boolean botEnabled() default true;

        @AttributeDefinition(description = "Minutes within which a customer writing on another channel continues"
                + " their open conversation (0: never)")
        int continueWithinMinutes() default 30;

        @AttributeDefinition(description = "Days a closed conversation is kept; older ones are purged with their messages"
                + " (0: kept forever)")
        int retentionDays() default 0;

        @AttributeDefinition(description = "Minutes between two sweeps for closed conversations past the retention period")
        int retentionSweepMinutes() default 60;
    }

    /** How often the outbox's relay looks for messages the broker did not take. */
    static final Duration OUTBOX_SWEEP = Duration.ofSeconds(1);

    /** Every bundle's part of a customer's data, as they come and go. */
    private final List<PersonalData> personalData = new CopyOnWriteArrayList<>();
    /** Other bundles' reasons for someone to reach a customer (a field worker's work orders). */
    private final List<CustomerGrant> grants = new CopyOnWriteArrayList<>();
    private final BundleRoutes routes;
    private final Outbox outbox;
    private final ServiceRegistration<AgentDesk> desk;
    private final ServiceRegistration<CustomerDirectory> directory;
    private final Retention retention;

    @Activate
    public ConversationService(BundleContext context, Config config, @Reference Bus bus, @Reference Store store)
            throws Exception {
        CanonicalJson json = new CanonicalJson();
        InboundRoutes.Policy policy = new InboundRoutes.Policy(config.botEnabled(),
                Duration.ofMinutes(Math.max(0, config.continueWithinMinutes())));
        routes = BundleRoutes.start(context, "switchboard-conversation", bus, new InboundRoutes(store, json, policy));
        outbox = new Outbox(store, bus, json, OUTBOX_SWEEP);
        Reach reach = new Reach(() -> List.copyOf(grants));
        desk = context.registerService(AgentDesk.class, new Desk(store, bus, json, outbox, reach), null);
        directory = context.registerService(CustomerDirectory.class,
                new Directory(store, bus, json, () -> List.copyOf(personalData), reach), null);
        retention = new Retention(store, () -> List.copyOf(personalData), Duration.ofDays(Math.max(0, config.retentionDays())))
                .sweepEvery(Duration.ofMinutes(Math.max(1, config.retentionSweepMinutes())));
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, service = PersonalData.class)
    void addPersonalData(PersonalData data) {
        personalData.add(data);
    }

    void removePersonalData(PersonalData data) {
        personalData.remove(data);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, service = CustomerGrant.class)
    void addGrant(CustomerGrant grant) {
        grants.add(grant);
    }

    void removeGrant(CustomerGrant grant) {
        grants.remove(grant);
    }

    @Deactivate
    void deactivate() {
        retention.close();
        directory.unregister();
        desk.unregister();
        outbox.close();
        routes.close();
    }
}
