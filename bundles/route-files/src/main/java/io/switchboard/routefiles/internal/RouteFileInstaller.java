package io.switchboard.routefiles.internal;

import io.switchboard.bus.Bus;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.rest.RestEndpoint;
import io.switchboard.routefiles.RouteFile;
import io.switchboard.routefiles.RouteFileCheck;
import io.switchboard.routefiles.Toolbox;
import io.switchboard.routefiles.RouteFiles;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.camel.karaf.core.OsgiDefaultCamelContext;
import org.apache.felix.fileinstall.ArtifactInstaller;
import org.apache.karaf.features.FeaturesService;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Karaf's {@code deploy/} directory for Camel route files. Felix FileInstall watches the directory
 * (etc/org.apache.felix.fileinstall-deploy.cfg) and asks each registered {@link ArtifactInstaller}
 * whether it takes a file; this one takes YAML and XML DSL route files and nothing Karaf's own
 * deployers handle. Each file runs in its own context built by {@link BundleRoutes}, so its
 * {@code bus:} endpoint is the platform's, and it is published like any bundle's routes.
 *
 * <p>It references {@link Bus}, so files already in {@code deploy/} start only once the broker
 * answers, as every route bundle does.
 */
@Component(service = {ArtifactInstaller.class, RouteFiles.class}, immediate = true)
public class RouteFileInstaller implements ArtifactInstaller, RouteFiles {

    private static final Logger LOG = LoggerFactory.getLogger(RouteFileInstaller.class);
    /** FileInstall reads whole files; a route file is text, this keeps a stray big file out of memory. */
    static final long MAX_FILE_BYTES = 1 << 20;
    /** The bundles of the optional component features (features.xml, switchboard-camel-*). */
    static final String COMPONENT_BUNDLES = "io.switchboard.camel.";
    /**
     * A feature starts its bundles one by one, and Camel finds a bundle's components once it is active:
     * failed files are tried again this long after the last component bundle started, once per install.
     */
    static final long RETRY_AFTER_MILLIS = 2000;

    private final BundleContext context;
    private final RouteFileDeployer deployer;
    private final FileCheck checks;
    private final ComponentFeatures features;
    private final RestEndpoint endpoint;
    private final RouteHttp http = new RouteHttp();
    private final RestEndpoint httpEndpoint;
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "route-files-retry");
        t.setDaemon(true);
        return t;
    });
    private final BundleListener componentsArrive;
    private ScheduledFuture<?> pendingRetry;

    @Activate
    public RouteFileInstaller(BundleContext context, @Reference Bus bus, @Reference FeaturesService featuresService) {
        this.context = context;
        Path kamelets = kameletDirectory(context);
        deployer = new RouteFileDeployer((name, routes) -> {
            BundleRoutes started = BundleRoutes.start(context, name, bus, routes);
            return new RouteContexts.Running(started.context(), started);
        }, Clock.systemUTC(), kamelets, () -> beans(context));
        features = new KarafComponentFeatures(featuresService);
        checks = new FileCheck(name -> {
            OsgiDefaultCamelContext unstarted = new OsgiDefaultCamelContext(context);
            unstarted.getCamelContextExtension().setName(name);
            unstarted.addComponent("bus", BundleRoutes.busComponent(bus));
            unstarted.addComponent("bus-batch", BundleRoutes.batchComponent(bus));
            return unstarted;
        }, features, kamelets, () -> beans(context));
        endpoint = RestEndpoint.publish(context, "/route-files", (int) MAX_FILE_BYTES + 4096, false, new RouteFilesApi(this));
        httpEndpoint = RestEndpoint.publish(context, RestEndpoint.ROUTES, "", RestEndpoint.DEFAULT_MAX_BODY_BYTES, false, http);
        componentsArrive = event -> {
            String name = event.getBundle().getSymbolicName();
            if (event.getType() == BundleEvent.STARTED && name != null && name.startsWith(COMPONENT_BUNDLES)) {
                retrySoon();
            }
        };
        context.addBundleListener(componentsArrive);
    }

    /** Files that failed for want of a component start once an operator installs its feature. */
    private synchronized void retrySoon() {
        if (pendingRetry != null) {
            pendingRetry.cancel(false);
        }
        pendingRetry = retries.schedule(() -> {
            try {
                deployer.retryFailed();
            } catch (RuntimeException e) {
                LOG.warn("Trying failed route files again failed", e);
            }
        }, RETRY_AFTER_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** deploy/, which FileInstall watches for route files and Kamelets alike. */
    static Path kameletDirectory(BundleContext context) {
        String base = context.getProperty("karaf.base");
        return base == null ? null : Path.of(base, "deploy");
    }

    /**
     * The DataSources pax-jdbc made of {@code etc/org.ops4j.datasource-*.cfg}, by their
     * {@code dataSourceName}, so that a route file writes {@code jdbc:switchboard} or {@code jdbc:crm}.
     * Taken when a file is deployed: a DataSource added later serves files deployed after it.
     */
    static Map<String, Object> dataSources(BundleContext context) {
        Map<String, Object> named = new HashMap<>();
        try {
            for (ServiceReference<DataSource> ref : context.getServiceReferences(DataSource.class, "(dataSourceName=*)")) {
                Object name = ref.getProperty("dataSourceName");
                DataSource ds = context.getService(ref);
                if (ds != null && !named.containsKey(String.valueOf(name))) {
                    named.put(String.valueOf(name), ds);
                }
            }
        } catch (InvalidSyntaxException impossible) {
            throw new IllegalStateException(impossible);
        }
        return named;
    }

    /** What every route file's registry holds: the DataSources, and what serves its REST endpoints. */
    Map<String, Object> beans(BundleContext context) {
        Map<String, Object> beans = new HashMap<>(dataSources(context));
        beans.put("switchboard-route-http", http);
        return beans;
    }

    @Deactivate
    void deactivate() {
        try {
            context.removeBundleListener(componentsArrive);
        } catch (IllegalStateException alreadyGone) {
            // the bundle stopped first
        }
        retries.shutdownNow();
        httpEndpoint.close();
        endpoint.close();
        deployer.close();
    }

    @Override
    public boolean canHandle(File artifact) {
        // called for every file in deploy/ at every change: a cheap look at the name, then the start
        if (!artifact.isFile() || artifact.length() > MAX_FILE_BYTES) {
            return false;
        }
        String name = artifact.getName().toLowerCase(java.util.Locale.ROOT);
        if (!(name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".xml"))) {
            return false;
        }
        if (RouteFileDsl.isKamelet(artifact.getName())) {
            // read by the kamelet component from deploy/ when a route file names it; taken here so
            // that FileInstall does not try it as a bundle
            return true;
        }
        try {
            return RouteFileDeployer.isRouteFile(artifact.getName(), Files.readAllBytes(artifact.toPath()));
        } catch (IOException unreadable) {
            return false;
        }
    }

    @Override
    public void install(File artifact) throws IOException {
        if (RouteFileDsl.isKamelet(artifact.getName())) {
            LOG.info("Kamelet {} in deploy/: route files deployed from now on may use it", artifact.getName());
            // a file that failed for want of it starts now
            retrySoon();
            return;
        }
        deployer.deploy(artifact.getName(), Files.readAllBytes(artifact.toPath()));
    }

    @Override
    public void update(File artifact) throws IOException {
        if (RouteFileDsl.isKamelet(artifact.getName())) {
            LOG.info("Kamelet {} changed: route files already running keep the version they started with", artifact.getName());
            return;
        }
        deployer.deploy(artifact.getName(), Files.readAllBytes(artifact.toPath()));
    }

    @Override
    public void uninstall(File artifact) {
        deployer.remove(artifact.getName());
    }

    @Override
    public List<RouteFile> files() {
        return deployer.files();
    }

    @Override
    public RouteFileCheck check(String name, byte[] content) {
        if (content.length > MAX_FILE_BYTES) {
            throw new IllegalArgumentException(name + " is larger than a route file may be (" + MAX_FILE_BYTES + " bytes)");
        }
        return checks.check(name, content);
    }

    @Override
    public Toolbox toolbox() {
        return InstalledToolbox.read(context, kameletDirectory(context), features);
    }
}
