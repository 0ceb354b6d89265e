package io.switchboard.rest.internal;

import io.switchboard.bus.Bus;
import io.switchboard.bus.DeadLetterQueue;
import io.switchboard.conversation.AgentDesk;
import io.switchboard.conversation.CustomerDirectory;
import io.switchboard.rest.RestEndpoint;
import io.switchboard.rest.Sessions;
import io.switchboard.store.Store;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/** Publishes the agent API and the health report at {@value RestEndpoint#ROOT}. */
@Component(immediate = true)
public class AgentRestService {

    private final List<CamelContext> contexts = new CopyOnWriteArrayList<>();
    private RestEndpoint endpoint;

    @Reference
    private Bus bus;
    @Reference
    private Store store;
    @Reference
    private AgentDesk desk;
    @Reference
    private CustomerDirectory directory;
    @Reference
    private Sessions sessions;
    @Reference
    private ServerReadiness readiness;
    @Reference
    private org.osgi.service.http.runtime.HttpServiceRuntime http;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addContext(CamelContext context) {
        contexts.add(context);
    }

    void removeContext(CamelContext context) {
        contexts.remove(context);
    }

    @Activate
    void activate(BundleContext context) {
        endpoint = RestEndpoint.publish(context, "", RestEndpoint.DEFAULT_MAX_BODY_BYTES, false,
                new AgentApi(desk, queue -> new DeadLetterQueue(bus, queue)),
                new HealthApi(bus, store, this::routeStates, readiness::pending),
                new SessionApi(sessions),
                new AccessApi(context, http),
                new CustomerApi(directory, ids -> store.inTransaction(
                        s -> s.conversations().ofCustomers(s.customers().group(ids.get(0)), false, 200))));
    }

    @Deactivate
    void deactivate() {
        endpoint.close();
    }

    /** {@code context/routeId} to its status, across every bundle's published context. */
    Map<String, String> routeStates() {
        Map<String, String> states = new TreeMap<>();
        for (CamelContext c : contexts) {
            for (Route r : c.getRoutes()) {
                states.put(c.getName() + "/" + r.getRouteId(),
                        String.valueOf(c.getRouteController().getRouteStatus(r.getRouteId())));
            }
        }
        return states;
    }
}
