package io.switchboard.routefiles.internal;

import io.switchboard.routefiles.RouteFile;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.camel.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each route file in a context of its own, so a broken file stops nothing but itself. A file
 * that changes is stopped and read again; a file that cannot be read or started is remembered
 * with the reason until it is fixed or removed.
 *
 * <p>Changes to one deployer come one at a time (FileInstall's single watcher thread, then
 * deactivation); readers of {@link #files()} may come from any thread.
 */
final class RouteFileDeployer {

    private static final Logger LOG = LoggerFactory.getLogger(RouteFileDeployer.class);
    /** Enough for any Camel or YAML message, short enough for a console line and a log line. */
    static final int MAX_REASON = 2000;

    /** A failed file's {@code content} is kept so that it can be tried again without FileInstall. */
    private record Deployment(RouteFile status, RouteContexts.Running running, byte[] content) {
    }

    private final RouteContexts contexts;
    private final Clock clock;
    private final Path kameletDirectory;
    private final Supplier<Map<String, Object>> beans;
    private final Map<String, Deployment> deployments = new ConcurrentHashMap<>();

    RouteFileDeployer(RouteContexts contexts, Clock clock) {
        this(contexts, clock, null, Map::of);
    }

    /**
     * @param kameletDirectory where {@code *.kamelet.yaml} files are kept, or null for none
     * @param beans            what a file's routes may name, by name, as the file is deployed: the
     *                         DataSources of etc/ by their {@code dataSourceName}
     */
    RouteFileDeployer(RouteContexts contexts, Clock clock, Path kameletDirectory, Supplier<Map<String, Object>> beans) {
        this.contexts = contexts;
        this.clock = clock;
        this.kameletDirectory = kameletDirectory;
        this.beans = beans;
    }


    /** Whether {@code content} of a file called {@code name} is a route file. */
    static boolean isRouteFile(String name, byte[] content) {
        return RouteFileDsl.of(name, content).isPresent();
    }

    /** Starts the routes of a new or changed file, after stopping what an earlier version of it ran. */
    synchronized RouteFile deploy(String name, byte[] content) {
        boolean replacing = undeploy(name, false);
        Optional<RouteFileDsl> dsl = RouteFileDsl.of(name, content);
        if (dsl.isEmpty()) {
            // it was ours and is no longer a route file (an edit changed its root): nothing runs
            deployments.remove(name);
            return null;
        }
        RouteFile status;
        RouteContexts.Running running = null;
        try {
            running = contexts.start(name, new FileRoutes(name, dsl.get(), content, kameletDirectory, beans.get()));
            List<String> routeIds = running.context().getRoutes().stream().map(Route::getRouteId).toList();
            status = new RouteFile(name, dsl.get().label(), RouteFile.State.RUNNING, null, clock.instant(), routeIds);
            LOG.info("Route file {} {}: routes {} running", name, replacing ? "changed" : "deployed", routeIds);
        } catch (Exception | LinkageError e) {
            String reason = reason(e);
            status = new RouteFile(name, dsl.get().label(), RouteFile.State.FAILED, reason, clock.instant(), List.of());
            LOG.error("Route file {} in deploy/ is not running: {}", name, reason);
            LOG.debug("Route file {} failed", name, e);
        }
        deployments.put(name, new Deployment(status, running, running == null ? content : null));
        return status;
    }

    /**
     * Deploys again every file that failed, as it was last saved: a component, data format or
     * Kamelet it lacked may have been installed since. A file that fails again keeps its new reason.
     *
     * @return the files tried, with their new state
     */
    synchronized List<RouteFile> retryFailed() {
        List<RouteFile> tried = new ArrayList<>();
        for (Deployment d : List.copyOf(deployments.values())) {
            if (d.status().state() == RouteFile.State.FAILED && d.content() != null) {
                String name = d.status().name();
                LOG.info("Route file {} failed before; trying it again with what is installed now", name);
                RouteFile again = deploy(name, d.content());
                if (again != null) {
                    tried.add(again);
                }
            }
        }
        return tried;
    }

    /** Stops the routes of a removed file and forgets it. */
    synchronized void remove(String name) {
        if (undeploy(name, true)) {
            LOG.info("Route file {} removed: its routes are stopped", name);
        }
    }

    /** Stops every file's routes: the deployer is going away, the files stay for its successor. */
    synchronized void close() {
        for (String name : List.copyOf(deployments.keySet())) {
            undeploy(name, true);
        }
    }

    private boolean undeploy(String name, boolean forget) {
        Deployment d = forget ? deployments.remove(name) : deployments.get(name);
        if (d == null) {
            return false;
        }
        if (d.running() != null) {
            try {
                d.running().stop().close();
            } catch (Exception e) {
                LOG.warn("Route file {}: stopping its routes failed", name, e);
            }
        }
        return true;
    }

    /** Every route file taken, running or failed, by file name. */
    List<RouteFile> files() {
        List<RouteFile> all = new ArrayList<>();
        for (Deployment d : deployments.values()) {
            all.add(d.status());
        }
        all.sort(Comparator.comparing(RouteFile::name));
        return all;
    }

    /**
     * What an operator needs to fix the file: Camel's own message (it names the route, the step and
     * the endpoint), and the root cause when Camel's message does not already say it.
     */
    static String reason(Throwable e) {
        String text = message(e);
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != e) {
            if (root.getMessage() == null || !text.contains(root.getMessage().strip())) {
                text = text + " (caused by " + message(root) + ")";
            }
        }
        return text.length() > MAX_REASON ? text.substring(0, MAX_REASON) + "…" : text;
    }

    private static String message(Throwable t) {
        return t.getMessage() == null || t.getMessage().isBlank() ? t.getClass().getName()
                : t.getClass().getSimpleName() + ": " + t.getMessage().strip();
    }
}
