package io.switchboard.bus;

import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.component.sjms.SjmsComponent;
import org.apache.camel.karaf.core.OsgiDefaultCamelContext;
import org.osgi.framework.BundleContext;
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

    private static final Logger LOG = LoggerFactory.getLogger(BundleRoutes.class);

    private final CamelContext context;

    private BundleRoutes(CamelContext context) {
        this.context = context;
    }

    public static BundleRoutes start(BundleContext bundleContext, String name, Bus bus, RoutesBuilder... routes)
            throws Exception {
        OsgiDefaultCamelContext context = new OsgiDefaultCamelContext(bundleContext);
        context.getCamelContextExtension().setName(name);
        context.addComponent("bus", busComponent(bus));
        try {
            for (RoutesBuilder r : routes) {
                context.addRoutes(r);
            }
            context.start();
        } catch (Exception e) {
            LOG.error("Camel context {} failed to start; stopping it", name, e);
            context.stop();
            throw e;
        }
        return new BundleRoutes(context);
    }

    /** An sjms component bound to the bus; its endpoints start their listeners in the background. */
    public static SjmsComponent busComponent(Bus bus) {
        SjmsComponent component = new SjmsComponent();
        component.setConnectionFactory(bus.connectionFactory());
        component.setHeaderFilterStrategy(new BusHeaderFilter());
        component.setRecoveryInterval(2000);
        return component;
    }

    public CamelContext context() {
        return context;
    }

    @Override
    public void close() {
        context.stop();
    }
}
