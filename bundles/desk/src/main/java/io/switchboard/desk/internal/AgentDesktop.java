package io.switchboard.desk.internal;

import io.switchboard.api.CanonicalJson;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.bus.Bus;
import io.switchboard.rest.EventStream;
import io.switchboard.rest.RestEndpoint;
import io.switchboard.rest.Sessions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import javax.servlet.Servlet;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.whiteboard.HttpWhiteboardConstants;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The agent desktop: the bundle's one DS component. It serves the single-page app from the bundle at
 * {@code /switchboard/desk/} and the agents' event stream at {@code /switchboard/api/desk/stream},
 * fed by its CamelContext's subscription to {@code sb.events}. Configured by
 * {@code etc/io.switchboard.desk.cfg}.
 */
@Component(immediate = true, configurationPid = "io.switchboard.desk")
@Designate(ocd = AgentDesktop.Config.class)
public class AgentDesktop {

    @ObjectClassDefinition(name = "Switchboard agent desktop")
    public @interface Config {
        @AttributeDefinition(description = "Seconds between keep-alive comments on open desk streams")
        int heartbeatSeconds() default 15;

        @AttributeDefinition(description = "Minutes after which a desk stream is closed; the desk reconnects")
        int streamTimeoutMinutes() default 30;

        @AttributeDefinition(description = "Kilobytes waiting for one slow desk before its stream is cut off (it reconnects and reloads)")
        int streamBufferKilobytes() default 512;

        @AttributeDefinition(description = "Seconds a desk may take nothing while events wait before its stream is cut off")
        int streamStallSeconds() default 30;
    }

    /** Where the app is served. */
    static final String APP = "/switchboard/desk";
    /** Where its files are in the bundle. */
    static final String APP_RESOURCES = "/io/switchboard/desk/app";
    static final String STREAM = RestEndpoint.ROOT + "/desk/stream";

    private final AgentStreams streams;
    private final BundleRoutes routes;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    @Activate
    public AgentDesktop(BundleContext context, Config config, @Reference Bus bus, @Reference Sessions sessions)
            throws Exception {
        CanonicalJson json = new CanonicalJson();
        streams = new AgentStreams(Math.max(1, config.heartbeatSeconds()), Clock.systemUTC());
        try {
            routes = BundleRoutes.start(context, "switchboard-desk", bus, new DeskRoutes(json, streams));
        } catch (Exception e) {
            streams.close();
            throw e;
        }

        Dictionary<String, Object> stream = new Hashtable<>();
        stream.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN, STREAM);
        stream.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME, "switchboard-desk-stream");
        stream.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_ASYNC_SUPPORTED, true);
        stream.put(RestEndpoint.ACCESS, AgentStreamServlet.ROLES.toArray(String[]::new));
        registrations.add(context.registerService(Servlet.class,
                new AgentStreamServlet(streams, sessions, json, new EventStream.Limits(
                        Math.max(1, config.streamTimeoutMinutes()) * 60_000L, Math.max(16, config.streamBufferKilobytes()) * 1024,
                        Math.max(1, config.streamStallSeconds()) * 1000L)), stream));

        Dictionary<String, Object> files = new Hashtable<>();
        files.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_RESOURCE_PATTERN, APP + "/*");
        files.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_RESOURCE_PREFIX, APP_RESOURCES);
        // the page and its scripts hold nothing of anyone's; what they show comes from the API, after login
        files.put(RestEndpoint.ACCESS, RestEndpoint.PUBLIC);
        registrations.add(context.registerService(Object.class, new Object(), files));

        Dictionary<String, Object> entry = new Hashtable<>();
        entry.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN, new String[] {APP, APP + "/"});
        entry.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME, "switchboard-desk-entry");
        entry.put(RestEndpoint.ACCESS, RestEndpoint.PUBLIC);
        registrations.add(context.registerService(Servlet.class,
                new EntryPage(APP + "/", AgentDesktop.class.getClassLoader(), APP_RESOURCES.substring(1) + "/index.html"), entry));
    }

    @Deactivate
    void deactivate() {
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping and the framework took it first
            }
        }
        streams.close();
        routes.close();
    }
}
