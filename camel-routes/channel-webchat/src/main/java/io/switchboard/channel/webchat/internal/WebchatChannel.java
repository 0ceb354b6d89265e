package io.switchboard.channel.webchat.internal;

import io.switchboard.api.CanonicalJson;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.bus.Bus;
import io.switchboard.rest.EventStream;
import io.switchboard.rest.RestEndpoint;
import io.switchboard.rest.SourceRate;
import io.switchboard.store.PersonalData;
import io.switchboard.store.Store;
import java.util.Dictionary;
import java.util.Hashtable;
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
 * The web-chat channel: the bundle's one DS component, owning its CamelContext, its HTTP endpoints
 * and its tables. Configured by {@code etc/io.switchboard.channel.webchat.cfg}.
 */
@Component(immediate = true, configurationPid = "io.switchboard.channel.webchat")
@Designate(ocd = WebchatChannel.Config.class)
public class WebchatChannel {

    @ObjectClassDefinition(name = "Switchboard web chat")
    public @interface Config {
        @AttributeDefinition(description = "Largest request body accepted, in bytes (larger: 413)")
        int maxBodyBytes() default 16_384;

        @AttributeDefinition(description = "Longest message text, in characters (longer: 413)")
        int maxTextLength() default 4_000;

        @AttributeDefinition(description = "Messages a minute from one address (more: 429 with Retry-After)")
        int ratePerMinute() default 120;

        @AttributeDefinition(description = "Seconds between keep-alive comments on open streams")
        int heartbeatSeconds() default 15;

        @AttributeDefinition(description = "Minutes after which a stream is closed; the widget reconnects")
        int streamTimeoutMinutes() default 30;

        @AttributeDefinition(description = "Kilobytes one stream may let wait for a slow reader before it is cut off (the widget reconnects and resumes)")
        int streamBufferKilobytes() default 256;

        @AttributeDefinition(description = "Seconds a stream's reader may take nothing while replies wait before it is cut off")
        int streamStallSeconds() default 30;
    }

    static final String CHANGELOG = "io/switchboard/channel/webchat/db/changelog.xml";

    private final BundleRoutes routes;
    private final Streams streams;
    private final RestEndpoint endpoint;
    private final ServiceRegistration<Servlet> stream;
    private final ServiceRegistration<Object> widget;

    private final ServiceRegistration<PersonalData> personalData;

    @Activate
    public WebchatChannel(BundleContext context, Config config, @Reference Bus bus, @Reference Store store)
            throws Exception {
        store.migrate(CHANGELOG, WebchatChannel.class.getClassLoader());
        CanonicalJson json = new CanonicalJson();
        streams = new Streams(store, Math.max(1, config.heartbeatSeconds()), new EventStream.Limits(
                Math.max(1, config.streamTimeoutMinutes()) * 60_000L, Math.max(16, config.streamBufferKilobytes()) * 1024,
                Math.max(1, config.streamStallSeconds()) * 1000L));
        routes = BundleRoutes.start(context, "switchboard-webchat", bus, new WebchatRoutes(store, streams, json));
        endpoint = RestEndpoint.publish(context, "/webchat", config.maxBodyBytes(), false,
                new VisitorApi(store, bus::inbound, config.maxTextLength(), new SourceRate(config.ratePerMinute())));
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN, RestEndpoint.ROOT + "/webchat/stream");
        props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME, "switchboard-webchat-stream");
        // visitors have no login: a stream is theirs by the visitor id only they hold
        props.put(RestEndpoint.ACCESS, RestEndpoint.PUBLIC);
        props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_ASYNC_SUPPORTED, true);
        stream = context.registerService(Servlet.class,
                new StreamServlet(streams, json), props);
        // the widget's files (widget.js, and index.html, a page hosting it) from this bundle
        Dictionary<String, Object> files = new Hashtable<>();
        files.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_RESOURCE_PATTERN, "/switchboard/webchat/*");
        files.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_RESOURCE_PREFIX, "/io/switchboard/channel/webchat/widget");
        files.put(RestEndpoint.ACCESS, RestEndpoint.PUBLIC);
        widget = context.registerService(Object.class, new Object(), files);
        // last: only a channel that started may be asked to erase from its tables
        personalData = context.registerService(PersonalData.class, new VisitorData(), null);
    }

    @Deactivate
    void deactivate() {
        personalData.unregister();
        widget.unregister();
        stream.unregister();
        endpoint.close();
        streams.close();
        routes.close();
    }
}
