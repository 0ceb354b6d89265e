package ${package}.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.SystemRequest;
import io.switchboard.bus.Bus;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.systems.CallPolicy;
import io.switchboard.systems.SystemConnector;
import io.switchboard.systems.SystemFault;
import io.switchboard.systems.SystemUnreachable;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The ${systemClass} connector: the bundle's one DS component, owning its CamelContext. It answers the
 * requests on {@code sb.system.${system}.request} by asking ${systemClass} over its REST API; the
 * platform's {@link SystemConnector} answers each request once and holds it through an outage behind
 * a circuit breaker. Configured by {@code etc/${package}.cfg}; a change applies to the next call
 * without restarting the route, so a request held through an outage is not put back for it.
 */
@Component(immediate = true, configurationPid = "${package}")
@Designate(ocd = ${systemClass}Connector.Config.class)
public class ${systemClass}Connector {

    @ObjectClassDefinition(name = "${systemClass} connector")
    public @interface Config {
        @AttributeDefinition(description = "The ${systemClass} API's base address; GetRecord asks <endpoint>/records/<id>")
        String endpoint() default "https://${system}.example.com/api";

        @AttributeDefinition(type = AttributeType.PASSWORD, description = "The API key, sent as Authorization: Bearer (empty: none)")
        String apiKey() default "";

        @AttributeDefinition(description = "Seconds to wait for the TCP connection")
        int connectTimeoutSeconds() default 5;

        @AttributeDefinition(description = "Seconds to wait for one call's answer")
        int callTimeoutSeconds() default 10;

        @AttributeDefinition(description = "Unreachable calls in a row after which the connector stops asking (system.down)")
        int failureThreshold() default 3;

        @AttributeDefinition(description = "Seconds the connector stops asking once the breaker opened; then one call tries")
        int coolDownSeconds() default 30;

        @AttributeDefinition(description = "Milliseconds before asking again after the first failure; doubles each time")
        int retryFirstMillis() default 500;

        @AttributeDefinition(description = "Longest pause between two attempts, in seconds")
        int retryMaxSeconds() default 30;

        @AttributeDefinition(description = "Seconds one request is held unanswered before it goes back to the bus (below the broker's transaction timeout, 300 s)")
        int holdSeconds() default 120;
    }

    static final String SYSTEM = "${system}";
    static final String CONTEXT = "switchboard-${system}";
    static final String REQUESTS = BusAddress.systemRequest(SYSTEM);
    static final List<String> OPERATIONS = List.of("GetRecord");

    private final CanonicalJson json = new CanonicalJson();
    // swapped on a configuration change: the request in hand keeps its client, the next one takes the new
    private final AtomicReference<${systemClass}Client> client = new AtomicReference<>();
    private final SystemConnector connector;
    private final BundleRoutes routes;

    @Activate
    public ${systemClass}Connector(BundleContext context, Config config, @Reference Bus bus) throws Exception {
        client.set(new ${systemClass}Client(settings(config), json));
        connector = new SystemConnector(SYSTEM, bus, request -> ask(client.get(), request), policy(config));
        routes = BundleRoutes.start(context, CONTEXT, bus, connector.routes());
    }

    @Modified
    void modified(Config config) {
        client.set(new ${systemClass}Client(settings(config), json));
        connector.configure(policy(config));
    }

    @Deactivate
    void deactivate() {
        // the request in hand goes back to the bus before the route stops
        connector.stop();
        routes.close();
    }

    static CallPolicy policy(Config config) {
        return CallPolicy.of(config.failureThreshold(), config.coolDownSeconds(), config.retryFirstMillis(),
                config.retryMaxSeconds(), config.holdSeconds());
    }

    static ${systemClass}Client.Settings settings(Config config) {
        return new ${systemClass}Client.Settings(URI.create(config.endpoint().trim()), config.apiKey(),
                Duration.ofSeconds(Math.max(1, config.connectTimeoutSeconds())),
                Duration.ofSeconds(Math.max(1, config.callTimeoutSeconds())));
    }

    /**
     * One request: its parameters checked here (a wrong one is a fault, never sent to the system), then
     * one call. Add an operation here and to {@link #OPERATIONS}.
     */
    static Map<String, String> ask(${systemClass}Client client, SystemRequest request)
            throws SystemFault, SystemUnreachable, InterruptedException {
        return switch (request.operation()) {
            case "GetRecord" -> client.record(required(request.params(), "id"));
            default -> throw new SystemFault("UNKNOWN_OPERATION", "${systemClass} has no operation " + request.operation()
                    + " (only " + String.join(", ", OPERATIONS) + ")");
        };
    }

    private static String required(Map<String, String> params, String name) throws SystemFault {
        String value = params.get(name);
        if (value == null || value.isBlank()) {
            throw new SystemFault("BAD_REQUEST", "the parameter " + name + " is required");
        }
        return value.trim();
    }
}
