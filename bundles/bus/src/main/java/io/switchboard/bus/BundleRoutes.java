package io.switchboard.bus;

import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.component.sjms.SjmsComponent;
import org.apache.camel.karaf.core.OsgiDefaultCamelContext;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import org.apache.camel.management.JmxManagementStrategyFactory;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CamelContext of one bundle. A plugin's DS component builds it in {@code activate} and closes it
 * in {@code deactivate}; every route bundle in Switchboard, ours or a third party's, looks like that.
 *
 * <p>The routes are added before the context starts, and a context whose start fails is stopped
 * again, so a broken route never leaves half a context running. The {@code bus} component is an
 * sjms component on the platform's pooled connection, filtering headers with {@link BusHeaderFilter}.
 */
public final class BundleRoutes implements AutoCloseable {

    /** Service property naming a published context. */
    public static final String CONTEXT_NAME = "camel.context.name";

    private static final Logger LOG = LoggerFactory.getLogger(BundleRoutes.class);

    private final CamelContext context;
    private final ServiceRegistration<CamelContext> registration;

    private BundleRoutes(CamelContext context, ServiceRegistration<CamelContext> registration) {
        this.context = context;
        this.registration = registration;
    }

    public static BundleRoutes start(BundleContext bundleContext, String name, Bus bus, RoutesBuilder... routes)
            throws Exception {
        OsgiDefaultCamelContext context = new OsgiDefaultCamelContext(bundleContext);
        context.getCamelContextExtension().setName(name);
        context.addComponent("bus", busComponent(bus));
        context.addComponent("bus-batch", batchComponent(bus));
        try {
            // Explicitly, because the factory is not found through a plugin's bundle class loader;
            // JMX is how Hawtio and operators see every route.
            JmxManagementStrategyFactory jmx = new JmxManagementStrategyFactory();
            jmx.setupManagement(context, jmx.create(context, Map.of()), jmx.createLifecycle(context));
            for (RoutesBuilder r : routes) {
                context.addRoutes(r);
            }
            context.start();
        } catch (Exception e) {
            LOG.error("Camel context {} failed to start; stopping it", name, e);
            context.stop();
            throw e;
        }
        // Published so health checks and the shell see every bundle's routes in one place.
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(CONTEXT_NAME, name);
        props.put(Constants.SERVICE_DESCRIPTION, "Camel routes of " + bundleContext.getBundle().getSymbolicName());
        return new BundleRoutes(context, bundleContext.registerService(CamelContext.class, context, props));
    }

    /** An sjms component bound to the bus; its endpoints start their listeners in the background. */
    public static SjmsComponent busComponent(Bus bus) {
        SjmsComponent component = new io.switchboard.bus.internal.BusComponent(bus);
        component.setHeaderFilterStrategy(new BusHeaderFilter());
        component.setRecoveryInterval(2000);
        return component;
    }

    /** The {@code bus-batch} component: consumes a bus address in batches ({@link BusBatch}). */
    public static org.apache.camel.Component batchComponent(Bus bus) {
        return new io.switchboard.bus.internal.BatchComponent(bus);
    }

    public CamelContext context() {
        return context;
    }

    @Override
    public void close() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the bundle is stopping and the framework took the registration first
        }
        context.stop();
    }
}
