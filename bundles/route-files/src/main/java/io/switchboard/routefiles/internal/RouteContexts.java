package io.switchboard.routefiles.internal;

import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;

/** Where a route file's context comes from: {@code BundleRoutes} in the server, a plain context in tests. */
@FunctionalInterface
interface RouteContexts {

    /**
     * A started context named {@code name} running {@code routes}, with the {@code bus} component.
     * When it cannot start, it throws and nothing of it keeps running.
     */
    Running start(String name, RoutesBuilder routes) throws Exception;

    /** A started context and how to stop it (and withdraw whatever was published about it). */
    record Running(CamelContext context, AutoCloseable stop) {
    }

    /** A context like the deployer's, with the {@code bus} component, not started and published nowhere: for checking a file. */
    @FunctionalInterface
    interface Unstarted {
        CamelContext context(String name) throws Exception;
    }
}
