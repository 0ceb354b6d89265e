package io.switchboard.system.logistics.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.SystemRequest;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.bus.Bus;
import io.switchboard.rest.RequestSignature;
import io.switchboard.rest.RestEndpoint;
import io.switchboard.store.Nonces;
import io.switchboard.systems.CallPolicy;
import io.switchboard.systems.SystemConnector;
import io.switchboard.systems.SystemFault;
import io.switchboard.systems.SystemUnreachable;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.servlet.Servlet;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.whiteboard.HttpWhiteboardConstants;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The logistics connector: the bundle's one DS component, owning its CamelContext and its callback
 * endpoint. It answers {@code CreatePickup}, {@code TrackPickup} and {@code CancelPickup} from
 * {@code sb.system.logistics.request} by asking the courier company's REST API, and turns the
 * courier's signed callbacks into {@code parcel.*} business events. Configured by
 * {@code etc/io.switchboard.system.logistics.cfg}; a change applies to the next call and the next
 * callback without restarting the routes, so a request held through an outage is not put back for it.
 */
@Component(immediate = true, configurationPid = "io.switchboard.system.logistics")
@Designate(ocd = LogisticsConnector.Config.class)
public class LogisticsConnector {

    @ObjectClassDefinition(name = "Switchboard logistics connector (courier REST API)")
    public @interface Config {
        @AttributeDefinition(description = "The courier company's API base, e.g. https://api.courier.example/api/v1")
        String endpoint() default "http://localhost:8091/api/v1";

        @AttributeDefinition(type = AttributeType.PASSWORD, description = "Sent as Authorization: Bearer <apiKey>")
        String apiKey() default "";

        @AttributeDefinition(type = AttributeType.PASSWORD,
                description = "HMAC-SHA256 secret the courier signs callbacks with; empty refuses every callback")
        String callbackSecret() default "";

        @AttributeDefinition(description = "This server as the courier company reaches it; callbacks go to"
                + " <callbackBaseUrl>/switchboard/systems/logistics/callbacks")
        String callbackBaseUrl() default "http://localhost:8181";

        @AttributeDefinition(description = "Largest clock difference accepted in X-Logistics-Timestamp, in seconds")
        int maxClockSkewSeconds() default 300;

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

    static final String SYSTEM = "logistics";
    static final String REQUESTS = BusAddress.systemRequest(SYSTEM);
    static final String CALLBACK_PATH = "/switchboard/systems/logistics/callbacks";
    static final String CALLBACK_TIMESTAMP = "X-Logistics-Timestamp";
    static final String CALLBACK_SIGNATURE = "X-Logistics-Signature";
    static final String CREATE = "CreatePickup";
    static final String TRACK = "TrackPickup";
    static final String CANCEL = "CancelPickup";
    /** CreatePickup's params passed on as text; weightKg goes as a number. */
    static final List<String> PICKUP_TEXT = List.of("reference", "name", "phone", "address", "window", "description",
            "sizeCm", "vehicle", "packaging", "requirements");
    private static final Logger LOG = LoggerFactory.getLogger(LogisticsConnector.class);

    /** The client and where callbacks are to go, swapped together on a configuration change. */
    record Courier(LogisticsClient client, String callbackUrl) {
    }

    private final AtomicReference<Courier> courier = new AtomicReference<>();
    private final CanonicalJson json = new CanonicalJson();
    private final SystemConnector connector;
    private final Callbacks callbacks;
    private final Nonces nonces;
    private final BundleRoutes routes;
    private final ServiceRegistration<Servlet> endpoint;

    @Activate
    public LogisticsConnector(BundleContext context, Config config, @Reference Bus bus, @Reference Nonces nonces) throws Exception {
        this.nonces = nonces;
        courier.set(courier(config, json));
        callbacks = new Callbacks(bus, json, signature(config, nonces));
        connector = new SystemConnector(SYSTEM, bus, request -> ask(courier.get(), request), policy(config));
        routes = BundleRoutes.start(context, "switchboard-logistics", bus, connector.routes());
        try {
            Dictionary<String, Object> props = new Hashtable<>();
            props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN, CALLBACK_PATH);
            props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME, "switchboard-logistics-callbacks");
            // the courier has no login here: each callback is signed with the shared secret
            props.put(RestEndpoint.ACCESS, RestEndpoint.PUBLIC);
            endpoint = context.registerService(Servlet.class, new CallbackServlet(callbacks, json), props);
        } catch (RuntimeException e) {
            connector.stop();
            routes.close();
            throw e;
        }
        if (config.callbackSecret().isBlank()) {
            LOG.warn("logistics: no callbackSecret in etc/io.switchboard.system.logistics.cfg, every callback is refused");
        }
    }

    @Modified
    void modified(Config config) {
        courier.set(courier(config, json));
        callbacks.configure(signature(config, nonces));
        connector.configure(policy(config));
        LOG.info("logistics: now {} (callbacks to {}, timeouts {} s/{} s, breaker {} failures, {} s)", config.endpoint(),
                courier.get().callbackUrl(), config.connectTimeoutSeconds(), config.callTimeoutSeconds(),
                config.failureThreshold(), config.coolDownSeconds());
    }

    @Deactivate
    void deactivate() {
        try {
            endpoint.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the bundle stopped first
        }
        connector.stop();
        routes.close();
    }

    static CallPolicy policy(Config config) {
        return CallPolicy.of(config.failureThreshold(), config.coolDownSeconds(), config.retryFirstMillis(),
                config.retryMaxSeconds(), config.holdSeconds());
    }

    static RequestSignature signature(Config config, Nonces nonces) {
        return signature(config.callbackSecret(), Duration.ofSeconds(Math.max(1, config.maxClockSkewSeconds())), nonces);
    }

    /** How the courier company signs a callback. */
    static RequestSignature signature(String secret, Duration maxSkew, Nonces nonces) {
        return new RequestSignature("logistics", CALLBACK_TIMESTAMP, CALLBACK_SIGNATURE,
                "no callbackSecret is configured (etc/io.switchboard.system.logistics.cfg): every callback is refused",
                secret, maxSkew, nonces);
    }

    static Courier courier(Config config, CanonicalJson json) {
        String base = config.callbackBaseUrl().strip();
        return new Courier(new LogisticsClient(new LogisticsClient.Settings(URI.create(config.endpoint().strip()),
                config.apiKey(), Duration.ofSeconds(Math.max(1, config.connectTimeoutSeconds())),
                Duration.ofSeconds(Math.max(1, config.callTimeoutSeconds()))), json),
                (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + CALLBACK_PATH);
    }

    /** One request, one call of the courier's API. */
    static Map<String, String> ask(Courier courier, SystemRequest request) throws SystemFault, SystemUnreachable {
        Map<String, String> params = request.params() == null ? Map.of() : request.params();
        return switch (request.operation() == null ? "" : request.operation()) {
            case CREATE -> create(courier, params);
            case TRACK -> track(courier.client(), params);
            case CANCEL -> cancel(courier.client(), params);
            default -> throw new SystemFault(null, "logistics has no operation " + request.operation() + " (only "
                    + CREATE + ", " + TRACK + ", " + CANCEL + ")");
        };
    }

    static Map<String, String> create(Courier courier, Map<String, String> params) throws SystemFault, SystemUnreachable {
        required(params, CREATE, "reference");
        Map<String, Object> body = new LinkedHashMap<>();
        for (String key : PICKUP_TEXT) {
            String value = params.get(key);
            if (value != null && !value.isBlank()) {
                body.put(key, value.strip());
            }
        }
        String weight = params.get("weightKg");
        if (weight != null && !weight.isBlank()) {
            try {
                body.put("weightKg", new BigDecimal(weight.strip()));
            } catch (NumberFormatException e) {
                throw new SystemFault(null, "weightKg must be a number of kilograms, not " + weight);
            }
        }
        body.put("callbackUrl", courier.callbackUrl());
        Map<String, Object> pickup = courier.client().post("/pickups", body);
        return data(pickup, "trackingNumber", "status", "eta", "vehicle", "packaging", "requirements");
    }

    static Map<String, String> track(LogisticsClient client, Map<String, String> params) throws SystemFault, SystemUnreachable {
        String tracking = tracking(params, TRACK);
        Map<String, Object> pickup = client.get("/pickups/" + tracking);
        Map<String, String> data = data(pickup, "trackingNumber", "reference", "status", "eta");
        if (pickup.get("events") instanceof List<?> events && !events.isEmpty()
                && events.get(events.size() - 1) instanceof Map<?, ?> last) {
            if (last.get("event") != null) {
                data.put("lastEvent", String.valueOf(last.get("event")));
            }
            if (last.get("at") != null) {
                data.put("lastEventAt", String.valueOf(last.get("at")));
            }
        }
        return data;
    }

    static Map<String, String> cancel(LogisticsClient client, Map<String, String> params) throws SystemFault, SystemUnreachable {
        String tracking = tracking(params, CANCEL);
        Map<String, Object> body = new LinkedHashMap<>();
        String reason = params.get("reason");
        if (reason != null && !reason.isBlank()) {
            body.put("reason", reason.strip());
        }
        return data(client.post("/pickups/" + tracking + "/cancel", body), "trackingNumber", "status");
    }

    private static String tracking(Map<String, String> params, String operation) throws SystemFault {
        String tracking = required(params, operation, "trackingNumber");
        // it goes into the URL's path
        if (!tracking.matches("[A-Za-z0-9-]{1,64}")) {
            throw new SystemFault(null, "trackingNumber must be 1-64 letters, digits or -, not " + tracking);
        }
        return tracking;
    }

    private static String required(Map<String, String> params, String operation, String key) throws SystemFault {
        String value = params.get(key);
        if (value == null || value.isBlank()) {
            throw new SystemFault(null, operation + " needs the parameter " + key);
        }
        return value.strip();
    }

    /** The answer's fields as text, numbers without exponents; absent ones left out. */
    private static Map<String, String> data(Map<String, Object> answer, String... keys) {
        Map<String, String> data = new LinkedHashMap<>();
        for (String key : keys) {
            Object value = answer.get(key);
            if (value instanceof BigDecimal number) {
                data.put(key, number.toPlainString());
            } else if (value != null) {
                data.put(key, String.valueOf(value));
            }
        }
        return data;
    }
}
