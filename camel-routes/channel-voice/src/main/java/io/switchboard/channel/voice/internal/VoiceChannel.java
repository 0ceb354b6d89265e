package io.switchboard.channel.voice.internal;

import io.switchboard.rest.SourceRate;
import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.bus.Bus;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.bus.BusUnavailableException;
import io.switchboard.rest.RequestSignature;
import io.switchboard.rest.RestEndpoint;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import javax.servlet.Servlet;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.whiteboard.HttpWhiteboardConstants;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The voice/CTI channel: the bundle's one DS component, owning its CamelContext and its endpoint.
 * Configured by {@code etc/io.switchboard.channel.voice.cfg}; a change restarts the component with
 * the new values, without a server restart.
 */
@Component(immediate = true, configurationPid = "io.switchboard.channel.voice")
@Designate(ocd = VoiceChannel.Config.class)
public class VoiceChannel {

    @ObjectClassDefinition(name = "Switchboard voice/CTI")
    public @interface Config {
        @AttributeDefinition(type = AttributeType.PASSWORD,
                description = "HMAC-SHA256 secret shared with the PBX/CTI; empty refuses every event")
        String secret() default "";

        @AttributeDefinition(description = "Largest clock difference accepted in X-Switchboard-Timestamp, in seconds")
        int maxSkewSeconds() default 300;

        @AttributeDefinition(description = "Call events a minute per sending address (more: 429)")
        int ratePerMinute() default 600;

        @AttributeDefinition(description = "Largest event body, in bytes (larger: 413)")
        int maxBodyBytes() default 16_384;
    }

    static final String INBOUND = "direct:voice-inbound";
    static final String PATH = RestEndpoint.ROOT + "/voice/events";

    private final BundleRoutes routes;
    private final ServiceRegistration<Servlet> endpoint;

    @Activate
    public VoiceChannel(BundleContext context, Config config, @Reference Bus bus) throws Exception {
        CanonicalJson json = new CanonicalJson();
        routes = BundleRoutes.start(context, "switchboard-voice", bus, new RouteBuilder() {
            @Override
            public void configure() {
                from(INBOUND).routeId("voice-inbound").errorHandler(noErrorHandler()).to("bus:queue:" + BusAddress.INBOUND);
            }
        });
        ProducerTemplate producer = routes.context().createProducerTemplate();
        CallEvents.Inbound inbound = message -> {
            try {
                producer.sendBodyAndHeaders(INBOUND, json.toJson(message), Map.of(
                        BusAddress.DUPLICATE_ID, message.deduplicationId(),
                        BusAddress.GROUP_ID, message.address().toString(),
                        BusAddress.PAYLOAD_TYPE, "Message"));
            } catch (CamelExecutionException e) {
                throw new BusUnavailableException("bus did not take the call event: " + e.getCause(), e);
            }
        };
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN, PATH);
        props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME, "switchboard-voice-events");
        endpoint = context.registerService(Servlet.class, new CallEvents(
                signature(config.secret(), Duration.ofSeconds(Math.max(1, config.maxSkewSeconds()))),
                new SourceRate(config.ratePerMinute()), json, inbound, Math.max(256, config.maxBodyBytes())), props);
    }

    /** How a PBX or CTI signs a call event. */
    static RequestSignature signature(String secret, Duration maxSkew) {
        return new RequestSignature("X-Switchboard-Timestamp", "X-Switchboard-Signature",
                "no secret is configured for call events (etc/io.switchboard.channel.voice.cfg)", secret, maxSkew);
    }

    @Deactivate
    void deactivate() {
        endpoint.unregister();
        routes.close();
    }
}
