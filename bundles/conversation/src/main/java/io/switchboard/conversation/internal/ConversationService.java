package io.switchboard.conversation.internal;

import io.switchboard.api.CanonicalJson;
import io.switchboard.bus.Bus;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.conversation.AgentDesk;
import io.switchboard.store.Store;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The bundle's one DS component: it owns the bundle's CamelContext (the inbound route) and offers
 * {@link AgentDesk} while the route runs.
 */
@Component(immediate = true)
public class ConversationService {

    private final BundleRoutes routes;
    private final ServiceRegistration<AgentDesk> desk;

    @Activate
    public ConversationService(BundleContext context, @Reference Bus bus, @Reference Store store) throws Exception {
        CanonicalJson json = new CanonicalJson();
        routes = BundleRoutes.start(context, "switchboard-conversation", bus, new InboundRoutes(store, bus, json));
        desk = context.registerService(AgentDesk.class, new Desk(store, bus, json), null);
    }

    @Deactivate
    void deactivate() {
        desk.unregister();
        routes.close();
    }
}
