package io.switchboard.routefiles.internal;

import io.switchboard.bus.DeadLetters;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.model.FromDefinition;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.RoutesBuilderLoader;
import org.apache.camel.support.ResourceHelper;

/**
 * The routes of one file, read with the DSL's own loader into the context that will run them.
 *
 * <p>The loader is called directly rather than looked up by file extension: Camel finds loaders
 * through {@code META-INF/services}, which the route-files bundle's class loader does not see in
 * OSGi. Once read, a route consuming from the bus gets what the platform's own routes have
 * (see {@link #keepBusGuarantees}).
 */
final class FileRoutes implements RoutesBuilder {

    private final String name;
    private final RouteFileDsl dsl;
    private final byte[] content;

    FileRoutes(String name, RouteFileDsl dsl, byte[] content) {
        this.name = name;
        this.dsl = dsl;
        this.content = content.clone();
    }

    @Override
    public void addRoutesToCamelContext(CamelContext context) throws Exception {
        RoutesBuilderLoader loader = dsl.loader();
        loader.setCamelContext(context);
        // stopped with the context, which is when nothing can ask it for more
        context.addService(loader, true, true);
        RoutesBuilder read = loader.loadRoutesBuilder(ResourceHelper.fromBytes(name, content));
        read.addTemplatedRoutesToCamelContext(context);
        read.addRoutesToCamelContext(context);
        ModelCamelContext model = (ModelCamelContext) context;
        boolean ownErrorHandling = !model.getRouteConfigurationDefinitions().isEmpty();
        for (RouteDefinition route : model.getRouteDefinitions()) {
            keepBusGuarantees(route, ownErrorHandling);
        }
    }

    @Override
    public void addTemplatedRoutesToCamelContext(CamelContext context) {
        // read together with the routes in addRoutesToCamelContext: one parse of the file
    }

    @Override
    public Set<String> updateRoutesToCamelContext(CamelContext context) {
        throw new UnsupportedOperationException("a changed route file gets a new context");
    }

    /**
     * A route consuming from the bus is transacted (the broker forgets a message only once the
     * route has finished with it) unless the file says {@code transacted=false}; one consuming a
     * queue without an error handler of its own dead-letters to {@code DLQ.<address>} like the
     * platform's routes, with the reason, after two quick retries.
     */
    static void keepBusGuarantees(RouteDefinition route, boolean fileHasRouteConfiguration) {
        FromDefinition from = route.getInput();
        String uri = from == null ? null : from.getUri();
        if (uri == null || !uri.startsWith("bus:")) {
            return;
        }
        if (!uri.contains("transacted=")) {
            from.setUri(uri + (uri.contains("?") ? "&" : "?") + "transacted=true");
        }
        String destination = uri.substring("bus:".length()).replaceFirst("^//", "");
        int query = destination.indexOf('?');
        if (query >= 0) {
            destination = destination.substring(0, query);
        }
        if (destination.startsWith("topic:")) {
            // a subscription has no queue of its own to dead-letter; Artemis' policy for sb.# applies
            return;
        }
        String address = destination.startsWith("queue:") ? destination.substring("queue:".length()) : destination;
        if (!fileHasRouteConfiguration && route.getErrorHandler() == null && route.getErrorHandlerRef() == null
                && !route.isErrorHandlerFactorySet()) {
            route.setErrorHandlerFactory(DeadLetters.forAddress(address));
        }
    }
}
