package io.switchboard.routefiles.internal;

import io.switchboard.bus.Bus;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.rest.RestEndpoint;
import io.switchboard.routefiles.RouteFile;
import io.switchboard.routefiles.RouteFiles;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.BundleContext;
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

    private final RouteFileDeployer deployer;
    private final RestEndpoint endpoint;

    @Activate
    public RouteFileInstaller(BundleContext context, @Reference Bus bus) {
        deployer = new RouteFileDeployer((name, routes) -> {
            BundleRoutes started = BundleRoutes.start(context, name, bus, routes);
            return new RouteContexts.Running(started.context(), started);
        }, Clock.systemUTC());
        endpoint = RestEndpoint.publish(context, "/route-files", RestEndpoint.DEFAULT_MAX_BODY_BYTES, false,
                new RouteFilesApi(deployer));
    }

    @Deactivate
    void deactivate() {
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
        try {
            return RouteFileDeployer.isRouteFile(artifact.getName(), Files.readAllBytes(artifact.toPath()));
        } catch (IOException unreadable) {
            return false;
        }
    }

    @Override
    public void install(File artifact) throws IOException {
        deployer.deploy(artifact.getName(), Files.readAllBytes(artifact.toPath()));
    }

    @Override
    public void update(File artifact) throws IOException {
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
}
