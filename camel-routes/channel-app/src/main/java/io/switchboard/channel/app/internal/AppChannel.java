package io.switchboard.channel.app.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.bus.Bus;
import io.switchboard.bus.BusUnavailableException;
import io.switchboard.rest.RestEndpoint;
import io.switchboard.rest.SourceRate;
import io.switchboard.store.PersonalData;
import io.switchboard.store.Store;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.context.ServletContextHelper;
import org.osgi.service.http.whiteboard.HttpWhiteboardConstants;
import org.osgi.service.http.whiteboard.Preprocessor;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-app chat channel: the bundle's one DS component, owning its CamelContext, its socket, its
 * tables and the browser client's file. Configured by {@code etc/io.switchboard.channel.app.cfg};
 * each app's secret is a key {@code secret.<appId>}.
 */
@Component(immediate = true, configurationPid = "io.switchboard.channel.app")
@Designate(ocd = AppChannel.Config.class)
public class AppChannel {

    @ObjectClassDefinition(name = "Switchboard in-app chat")
    public @interface Config {
        @AttributeDefinition(description = "Heartbeat interval a device is told when it proposes none, in seconds")
        int pingSeconds() default 270;

        @AttributeDefinition(description = "Shortest heartbeat interval a device may ask for, in seconds")
        int minPingSeconds() default 20;

        @AttributeDefinition(description = "Longest heartbeat interval a device may ask for, in seconds")
        int maxPingSeconds() default 600;

        @AttributeDefinition(description = "Seconds past its heartbeat interval after which a silent connection is closed")
        int graceSeconds() default 30;

        @AttributeDefinition(description = "Connection attempts a minute from one remote address (more: 429 with Retry-After)")
        int connectRatePerMinute() default 60;

        @AttributeDefinition(description = "Messages a minute from one app user (more: an err frame with status 429 and retryAfter)")
        int ratePerMinute() default 120;

        @AttributeDefinition(description = "Longest message text, in characters (longer: status 413)")
        int maxTextLength() default 4_000;

        @AttributeDefinition(description = "Kilobytes of frames one device may let wait before its connection is cut off (it reconnects and resumes)")
        int lineBufferKilobytes() default 256;

        @AttributeDefinition(description = "Seconds a device may take nothing while frames wait before its connection is cut off")
        int lineStallSeconds() default 30;

        @AttributeDefinition(description = "Largest frame accepted, in bytes")
        int maxFrameBytes() default 65_536;

        @AttributeDefinition(description = "Longest lifetime of a device token, in hours (exp further ahead: 401)")
        int maxTokenHours() default 720;
    }

    static final String CHANGELOG = "io/switchboard/channel/app/db/changelog.xml";
    static final String SECRET_PREFIX = "secret.";
    static final String CONTEXT = "switchboard-app";

    private static final Logger LOG = LoggerFactory.getLogger(AppChannel.class);

    private final BundleRoutes routes;
    private final Lines lines;
    private final ServiceRegistration<Preprocessor> gate;
    private final ServiceRegistration<Object> socket;
    private final ServiceRegistration<javax.servlet.Servlet> client;
    private final ServiceRegistration<ServletContextHelper> servletContext;

    private final ServiceRegistration<PersonalData> personalData;

    @Activate
    public AppChannel(BundleContext context, Config config, Map<String, Object> properties, @Reference Bus bus,
                      @Reference Store store) throws Exception {
        store.migrate(CHANGELOG, AppChannel.class.getClassLoader());
        DeviceTokens tokens = new DeviceTokens(secrets(properties), config.maxTokenHours() * 3600L);
        if (secrets(properties).isEmpty()) {
            LOG.warn("no app secrets configured (secret.<appId> in etc/io.switchboard.channel.app.cfg): every device gets 401");
        }
        CanonicalJson json = new CanonicalJson();
        lines = new Lines(store, bus::inbound, json, new SourceRate(config.ratePerMinute()), new Lines.Settings(
                config.pingSeconds(), config.minPingSeconds(), config.maxPingSeconds(), config.graceSeconds(), config.maxTextLength(),
                Math.max(16, config.lineBufferKilobytes()) * 1024, Math.max(1, config.lineStallSeconds()) * 1000L));
        try {
            routes = BundleRoutes.start(context, "switchboard-app", bus, new AppRoutes(store, lines, json));
        } catch (Exception e) {
            lines.close();
            throw e;
        }

        Dictionary<String, Object> filter = new Hashtable<>();
        filter.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_FILTER_ASYNC_SUPPORTED, true);
        gate = context.registerService(Preprocessor.class,
                new HandshakeGate(tokens, new SourceRate(config.connectRatePerMinute())), filter);
        // The socket and the client file live in a servlet context of their own, /switchboard/app: Pax Web
        // installs a WebSocket by restarting its context, and restarting the default one would take
        // every CXF endpoint of the platform down with it.
        Dictionary<String, Object> own = new Hashtable<>();
        own.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_NAME, CONTEXT);
        own.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_PATH, "/switchboard/app");
        servletContext = context.registerService(ServletContextHelper.class, new ServletContextHelper(context.getBundle()) { }, own);
        String select = "(" + HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_NAME + "=" + CONTEXT + ")";
        // Pax Web 8's whiteboard serves a JSR-356 endpoint registered as an object with websocket=true
        Dictionary<String, Object> ws = new Hashtable<>();
        ws.put("org.ops4j.pax.web.http.whiteboard.websocket", true);
        ws.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_SELECT, select);
        // devices have no login here: the handshake carries the app's signed token (HandshakeGate)
        ws.put(RestEndpoint.ACCESS, RestEndpoint.PUBLIC);
        socket = context.registerService(Object.class, new AppSocket(lines, tokens, config.maxFrameBytes()), ws);
        // the browser client, sdk/app-client-js/src/client.js, copied into this bundle at build time
        Dictionary<String, Object> files = new Hashtable<>();
        files.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN, "/client.js");
        files.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME, "switchboard-app-client");
        files.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_SELECT, select);
        files.put(RestEndpoint.ACCESS, RestEndpoint.PUBLIC);
        client = context.registerService(javax.servlet.Servlet.class, new ClientScript(AppChannel.class.getClassLoader()), files);
        // last: only a channel that started may be asked to erase from its tables
        personalData = context.registerService(PersonalData.class, new DeviceData(), null);
    }

    static Map<String, String> secrets(Map<String, Object> properties) {
        Map<String, String> secrets = new HashMap<>();
        properties.forEach((key, value) -> {
            if (key.startsWith(SECRET_PREFIX) && value != null && !value.toString().isBlank()) {
                String appId = key.substring(SECRET_PREFIX.length());
                if (appId.matches(DeviceTokens.APP_ID)) {
                    secrets.put(appId, value.toString().strip());
                }
            }
        });
        return secrets;
    }

    @Deactivate
    void deactivate() {
        personalData.unregister();
        client.unregister();
        socket.unregister();
        gate.unregister();
        servletContext.unregister();
        lines.close();
        routes.close();
    }
}
