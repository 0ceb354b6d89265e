package io.switchboard.routefiles.internal;

import io.switchboard.bus.DeadLetters;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.dsl.yaml.KameletRoutesBuilderLoader;
import org.apache.camel.model.FromDefinition;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.ComponentCustomizer;
import org.apache.camel.spi.RoutesBuilderLoader;
import org.apache.camel.support.PropertyBindingSupport;
import org.apache.camel.support.ResourceHelper;

/**
 * The routes of one file, read with the DSL's own loader into the context that will run them.
 *
 * <p>The loader is called directly rather than looked up by file extension: Camel finds loaders
 * through {@code META-INF/services}, which the route-files bundle's class loader does not see in
 * OSGi. Once read, a route consuming from the bus gets what the platform's own routes have
 * (see {@link #keepBusGuarantees}).
 *
 * <p>A file may use Kamelets ({@code kamelet:log-sink}): those in {@code *.kamelet.yaml} files in
 * {@code deploy/} (the installer's Kamelet directory), then the upstream catalogue (the optional
 * {@code switchboard-camel-kamelet} feature). See {@link #offerKamelets}.
 */
final class FileRoutes implements RoutesBuilder {

    /** Where the kamelet component looks when the upstream catalogue's bundle is installed. */
    static final String KAMELET_CATALOGUE = "classpath:kamelets";
    /** The registry name under which Camel's routes loader looks for a loader of {@code *.kamelet.yaml}. */
    static final String KAMELET_LOADER = "routes-builder-loader-" + KameletRoutesBuilderLoader.EXTENSION;

    private final String name;
    private final RouteFileDsl dsl;
    private final byte[] content;
    private final String kameletLocations;
    private final Map<String, Object> beans;

    /**
     * @param kameletDirectory where integrators' own {@code *.kamelet.yaml} files are, or null for
     *                         the upstream catalogue only
     * @param beans            what the routes may name ({@code jdbc:crm}), bound in the context's registry
     */
    FileRoutes(String name, RouteFileDsl dsl, byte[] content, Path kameletDirectory, Map<String, Object> beans) {
        this.beans = Map.copyOf(beans);
        this.name = name;
        this.dsl = dsl;
        this.content = content.clone();
        this.kameletLocations = kameletDirectory == null ? KAMELET_CATALOGUE
                : "file:" + kameletDirectory.toAbsolutePath() + "," + KAMELET_CATALOGUE;
    }

    @Override
    public void addRoutesToCamelContext(CamelContext context) throws Exception {
        beans.forEach(context.getRegistry()::bind);
        offerKamelets(context, kameletLocations);
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

    /**
     * Lets the file's routes use Kamelets from {@code locations}. Both pieces are put in the context's
     * registry because Camel would find them through {@code META-INF/services}, which the context's
     * bundle does not see in OSGi: the loader of Kamelet YAML, and where the kamelet component
     * looks (set when the component is created, so a context whose file uses no Kamelet, or a
     * server without the kamelet feature, creates nothing).
     */
    static void offerKamelets(CamelContext context, String locations) throws Exception {
        KameletRoutesBuilderLoader kamelets = new KameletRoutesBuilderLoader();
        kamelets.setCamelContext(context);
        context.addService(kamelets, true, true);
        context.getRegistry().bind(KAMELET_LOADER, kamelets);
        context.getRegistry().bind("switchboard-kamelet-locations", new ComponentCustomizer() {
            @Override
            public boolean isEnabled(String componentName, Component target) {
                return "kamelet".equals(componentName);
            }

            @Override
            public void configure(String componentName, Component target) {
                PropertyBindingSupport.build().withCamelContext(context).withTarget(target).withMandatory(true)
                        .withProperty("location", locations).bind();
            }
        });
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
