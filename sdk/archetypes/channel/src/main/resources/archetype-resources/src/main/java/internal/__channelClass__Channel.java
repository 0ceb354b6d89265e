package ${package}.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.bus.Bus;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.bus.BusUnavailableException;
import io.switchboard.rest.RestEndpoint;
import java.util.Map;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
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
        ProducerTemplate producer = routes.context().createProducerTemplate();
        // the 202 goes out only once the bus has the message: a retry then carries the same duplicate id;
        // a bus that did not take it is a 503 with Retry-After (the platform's answer to BusUnavailableException)
        ${channelClass}Api.Inbound inbound = message -> {
            try {
                producer.sendBodyAndHeaders(${channelClass}Routes.INBOUND, json.toJson(message), Map.of(
                        BusAddress.DUPLICATE_ID, message.deduplicationId(),
                        BusAddress.GROUP_ID, message.address().address(), BusAddress.PAYLOAD_TYPE, "Message"));
            } catch (CamelExecutionException e) {
                throw new BusUnavailableException("the bus did not take the message: " + e.getCause(), e);
            }
        };
        endpoint = RestEndpoint.publish(context, "/" + CHANNEL, RestEndpoint.DEFAULT_MAX_BODY_BYTES, false,
                new ${channelClass}Api(inbound, config.maxTextLength()));
    }

    @Deactivate
    void deactivate() {
        endpoint.close();
        routes.close();
    }
}
