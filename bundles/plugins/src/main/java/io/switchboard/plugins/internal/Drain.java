package io.switchboard.plugins.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains a plugin version before it is stopped: every CamelContext its bundles published is
 * suspended, which stops its consumers taking new messages and waits until the exchanges in flight
 * are done. What arrives meanwhile waits on the bus for the next version. Stopping without this would
 * roll back transacted exchanges half done and deliver them again: a duplicate at the outside world.
 */
final class Drain {

    private static final Logger LOG = LoggerFactory.getLogger(Drain.class);

    private final BundleContext context;
    private final long timeoutSeconds;

    Drain(BundleContext context, long timeoutSeconds) {
        this.context = context;
        this.timeoutSeconds = timeoutSeconds;
    }

    /** Suspends the contexts of {@code bundles}; returns their names. */
    List<String> suspend(Collection<Bundle> bundles) throws Exception {
        List<String> drained = new ArrayList<>();
        for (CamelContext camel : contexts(bundles)) {
            camel.getShutdownStrategy().setTimeout(timeoutSeconds);
            camel.getShutdownStrategy().setTimeUnit(TimeUnit.SECONDS);
            long started = System.nanoTime();
            camel.suspend();
            LOG.info("Drained {} in {} ms", camel.getName(), (System.nanoTime() - started) / 1_000_000);
            drained.add(camel.getName());
        }
        return drained;
    }

    /** Whether every context of {@code bundles} has started, and there is at least one when {@code expectSome}. */
    boolean started(Collection<Bundle> bundles, boolean expectSome) throws InvalidSyntaxException {
        List<CamelContext> contexts = contexts(bundles);
        if (expectSome && contexts.isEmpty()) {
            return false;
        }
        return contexts.stream().allMatch(c -> c.getStatus() == ServiceStatus.Started
                && c.getRoutes().stream().allMatch(r -> c.getRouteController().getRouteStatus(r.getRouteId()) == ServiceStatus.Started));
    }

    private List<CamelContext> contexts(Collection<Bundle> bundles) throws InvalidSyntaxException {
        Set<Long> ids = bundles.stream().map(Bundle::getBundleId).collect(Collectors.toSet());
        List<CamelContext> contexts = new ArrayList<>();
        Collection<ServiceReference<CamelContext>> refs = context.getServiceReferences(CamelContext.class, null);
        for (ServiceReference<CamelContext> ref : refs) {
            if (ref.getBundle() != null && ids.contains(ref.getBundle().getBundleId())) {
                CamelContext camel = context.getService(ref);
                if (camel != null) {
                    contexts.add(camel);
                    // the reference is only held while draining; the bundle owns the context
                    context.ungetService(ref);
                }
            }
        }
        return contexts;
    }
}
