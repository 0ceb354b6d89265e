package io.switchboard.rest.internal;

import io.switchboard.bus.BusGrants;
import io.switchboard.rest.Readiness;
import io.switchboard.rest.RestEndpoint;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import javax.servlet.Servlet;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.http.runtime.HttpServiceRuntime;
import org.osgi.service.http.whiteboard.HttpWhiteboardConstants;

/**
 * Whether the whole server serves: Karaf has installed its boot features, and every Switchboard bundle
 * and plugin bundle serves ({@link Readiness}). Health is UP only then; until then a path no endpoint
 * serves yet answers 503 with Retry-After ({@link UnservedPaths}), which a client retries, never 404,
 * which a client takes for "no such resource".
 *
 * <p>It needs nothing of the platform's own services, so that it is among the first things to serve
 * when the server starts.
 */
@Component(service = ServerReadiness.class, immediate = true)
public class ServerReadiness {

    /** Registered by Karaf's features service once every boot feature is installed and started. */
    static final String BOOT_FINISHED = "org.apache.karaf.features.BootFinished";
    /** How long a judgement that something is pending stands: a client retrying at load must not make each request walk every bundle. */
    private static final long JUDGEMENT_NANOS = 200_000_000L;
    /**
     * How long a judgement that everything serves stands. Short: once the server serves, only a path no
     * endpoint has asks, and its answer is 404, "no such resource", which must not come from an old
     * judgement while a component is being started again (a new configuration, a plugin's update). Still
     * cached, so a flood of unknown paths walks the bundles a hundred times a second at most.
     */
    private static final long SERVING_JUDGEMENT_NANOS = 10_000_000L;

    private final BundleContext context;
    private final Readiness readiness;
    private final ServiceRegistration<Servlet> unserved;
    private volatile Judgement last;

    private record Judgement(long at, List<String> pending) {
    }

    @Activate
    public ServerReadiness(BundleContext context, @Reference ServiceComponentRuntime scr, @Reference HttpServiceRuntime http) {
        this.context = context;
        // the server waits for no configuration's values: a plugin's install does (PluginService)
        this.readiness = new Readiness(scr, http, pid -> Optional.empty());
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN, new String[] {"/switchboard/*", UnservedPaths.LIVE});
        props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME, "switchboard-unserved");
        // it answers only 404 or 503, with what the server is waiting for
        props.put(RestEndpoint.ACCESS, RestEndpoint.PUBLIC);
        unserved = context.registerService(Servlet.class, new UnservedPaths(this), props);
    }

    @Deactivate
    void deactivate() {
        try {
            unserved.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the bundle stopped first
        }
    }

    /**
     * The problem detail of a request answered 503 while the server starts. Anonymous callers get it, so it
     * names nothing of the server's insides; {@code /health} lists what is pending.
     */
    static final String STARTING = "Switchboard is starting; retry shortly";
    /** Seconds a client should wait: a starting server's next endpoint is usually up within them. */
    static final String RETRY_AFTER = "2";

    /** What keeps the server from serving, one line each; empty when it serves. */
    public List<String> pending() {
        Judgement judgement = last;
        long now = System.nanoTime();
        if (judgement != null && now - judgement.at() < (judgement.pending().isEmpty() ? SERVING_JUDGEMENT_NANOS : JUDGEMENT_NANOS)) {
            return judgement.pending();
        }
        List<String> pending = judge();
        last = new Judgement(now, pending);
        return pending;
    }

    private List<String> judge() {
        if (context.getServiceReference(BOOT_FINISHED) == null) {
            return List.of("Karaf is still installing its boot features");
        }
        List<Bundle> ours = Arrays.stream(context.getBundles()).filter(ServerReadiness::isOurs).toList();
        return readiness.pending(ours);
    }

    /** The platform's bundles and every plugin's. */
    static boolean isOurs(Bundle bundle) {
        String name = bundle.getSymbolicName();
        return name != null && name.startsWith("io.switchboard.") || bundle.getHeaders("").get(BusGrants.PLUGIN_HEADER) != null;
    }
}
