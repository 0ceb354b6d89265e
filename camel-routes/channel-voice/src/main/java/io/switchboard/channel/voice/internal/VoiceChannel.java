package io.switchboard.channel.voice.internal;

import io.switchboard.api.CanonicalJson;
import io.switchboard.bus.Bus;
import io.switchboard.rest.RequestSignature;
import io.switchboard.rest.RestEndpoint;
import io.switchboard.rest.SourceRate;
import io.switchboard.store.Nonces;
import java.time.Duration;
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
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The voice/CTI channel: the bundle's one DS component, owning its endpoint; call events go onto
 * {@code sb.inbound} by {@code Bus.inbound}.
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

    static final String PATH = RestEndpoint.ROOT + "/voice/events";

    private final ServiceRegistration<Servlet> endpoint;

    @Activate
    public VoiceChannel(BundleContext context, Config config, @Reference Bus bus, @Reference Nonces nonces) throws Exception {
        CanonicalJson json = new CanonicalJson();
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN, PATH);
        props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME, "switchboard-voice-events");
        // the PBX has no login here: each event is signed with the channel's secret
        props.put(RestEndpoint.ACCESS, RestEndpoint.PUBLIC);
        endpoint = context.registerService(Servlet.class, new CallEvents(
                signature(config.secret(), Duration.ofSeconds(Math.max(1, config.maxSkewSeconds())), nonces),
                new SourceRate(config.ratePerMinute()), json, bus::inbound, Math.max(256, config.maxBodyBytes())), props);
    }

    /** How a PBX or CTI signs a call event. */
    static RequestSignature signature(String secret, Duration maxSkew, Nonces nonces) {
        return new RequestSignature("voice", "X-Switchboard-Timestamp", "X-Switchboard-Signature",
                "no secret is configured for call events (etc/io.switchboard.channel.voice.cfg)", secret, maxSkew, nonces);
    }

    @Deactivate
    void deactivate() {
        endpoint.unregister();
    }
}
