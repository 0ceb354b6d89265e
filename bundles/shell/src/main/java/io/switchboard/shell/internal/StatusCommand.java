package io.switchboard.shell.internal;

import io.switchboard.bus.Bus;
import io.switchboard.routefiles.RouteFile;
import io.switchboard.routefiles.RouteFiles;
import io.switchboard.store.Store;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

@Command(scope = "switchboard", name = "status", description = "Shows whether the bus and the database answer and the state of every bundle's routes")
@Service
public class StatusCommand implements Action {

    @Reference
    Bus bus;

    @Reference
    Store store;

    @Reference
    BundleContext bundleContext;

    @Reference(optional = true)
    RouteFiles routeFiles;

    @Override
    public Object execute() throws InvalidSyntaxException {
        boolean busUp = bus.isReachable();
        boolean dbUp = store.isReachable();
        System.out.printf("%-40s %s%n", "bus (Artemis)", busUp ? "UP" : "DOWN");
        System.out.printf("%-40s %s%n", "database", dbUp ? "UP" : "DOWN");
        boolean routesUp = true;
        for (ServiceReference<CamelContext> ref : bundleContext.getServiceReferences(CamelContext.class, null)) {
            CamelContext context = bundleContext.getService(ref);
            try {
                for (Route route : context.getRoutes()) {
                    String status = String.valueOf(context.getRouteController().getRouteStatus(route.getRouteId()));
                    routesUp &= status.equals("Started");
                    System.out.printf("%-40s %s%n", "route " + context.getName() + "/" + route.getRouteId(), status);
                }
            } finally {
                bundleContext.ungetService(ref);
            }
        }
        printRouteFiles();
        // a failed route file is the integrator's to fix; the platform it runs on is still up
        String overall = busUp && dbUp && routesUp ? "UP" : "DOWN";
        System.out.printf("%-40s %s%n", "switchboard", overall);
        return null;
    }

    /** Integrators' route files in deploy/: running ones also show their routes above, failed ones why. */
    private void printRouteFiles() {
        if (routeFiles == null) {
            return;
        }
        for (RouteFile file : routeFiles.files()) {
            System.out.printf("%-40s %s%n", "route file " + file.name(), file.state());
            if (file.error() != null) {
                file.error().lines().forEach(line -> System.out.println("    " + line));
            }
        }
    }
}
