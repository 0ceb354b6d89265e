package ${package}.internal;

import io.switchboard.api.CanonicalJson;
import io.switchboard.bus.Bus;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.rest.RestEndpoint;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The ${channelClass} channel: the bundle's one DS component, owning its CamelContext and its HTTP
 * endpoint. Configured by {@code etc/${package}.cfg}.
 */
@Component(immediate = true, configurationPid = "${package}")
@Designate(ocd = ${channelClass}Channel.Config.class)
public class ${channelClass}Channel {

    static final String CHANNEL = "${channel}";
    static final String CONTEXT = "switchboard-${channel}";

    @ObjectClassDefinition(name = "${channelClass} channel")
    public @interface Config {
        @AttributeDefinition(description = "The outside world's HTTP endpoint agents' replies are POSTed to (JSON); empty: they are logged")
        String outboundUrl() default "";

        @AttributeDefinition(description = "Replies delivered at once")
        int outboundConsumers() default 4;

        @AttributeDefinition(description = "Longest message text, in characters (longer: 413)")
        int maxTextLength() default 4_000;
    }

    private final BundleRoutes routes;
    private final RestEndpoint endpoint;

    @Activate
    public ${channelClass}Channel(BundleContext context, Config config, @Reference Bus bus) throws Exception {
        CanonicalJson json = new CanonicalJson();
        routes = BundleRoutes.start(context, CONTEXT, bus, new ${channelClass}Routes(config.outboundUrl(), config.outboundConsumers(), json));
        // Bus.inbound returns once the broker has the message, so the 202 goes out only then and a retry
        // carries the same duplicate id; a bus that did not take it throws BusUnavailableException, which
        // the platform answers with 503 and Retry-After
        endpoint = RestEndpoint.publish(context, "/" + CHANNEL, RestEndpoint.DEFAULT_MAX_BODY_BYTES, false,
                new ${channelClass}Api(bus::inbound, config.maxTextLength()));
    }

    @Deactivate
    void deactivate() {
        endpoint.close();
        routes.close();
    }
}
