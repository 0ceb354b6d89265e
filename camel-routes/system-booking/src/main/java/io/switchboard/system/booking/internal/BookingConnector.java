package io.switchboard.system.booking.internal;

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
import java.net.URI;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
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
 * The booking (ticketing) connector: the bundle's one DS component, owning its CamelContext and its
 * webhook URL. It answers {@code GetBooking}, {@code FindBookings}, {@code RebookingOptions},
 * {@code Rebook} and {@code Refund} from {@code sb.system.booking.request} by asking the airline's
 * booking system over its REST API, and turns the system's signed webhooks at
 * {@code /switchboard/systems/booking/events} into business events for proactive service.
 * Configured by {@code etc/io.switchboard.system.booking.cfg}; a change applies to the next call and
 * the next webhook without restarting the routes, so a request held through an outage is not put back for it.
 */
@Component(immediate = true, configurationPid = "io.switchboard.system.booking")
@Designate(ocd = BookingConnector.Config.class)
public class BookingConnector {

    @ObjectClassDefinition(name = "Switchboard booking connector (REST and webhooks)")
    public @interface Config {
        @AttributeDefinition(description = "The booking system's API base, e.g. https://pss.example.com/api")
        String endpoint() default "http://localhost:8093/api";

        @AttributeDefinition(type = AttributeType.PASSWORD, description = "Sent as X-Api-Key on every call")
        String apiKey() default "";

        @AttributeDefinition(type = AttributeType.PASSWORD,
                description = "HMAC-SHA256 secret the booking system signs webhooks with; empty refuses every webhook (401)")
        String webhookSecret() default "";

        @AttributeDefinition(description = "Largest difference between X-Booking-Timestamp and the server's clock, in seconds")
        int maxClockSkewSeconds() default 300;

        @AttributeDefinition(description = "Largest webhook body, in bytes (larger: 413)")
        int maxBodyBytes() default 1_048_576;

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

    static final String SYSTEM = "booking";
    static final String REQUESTS = BusAddress.systemRequest(SYSTEM);
    /** Where the booking system POSTs its webhooks (beside, not under, the platform's /switchboard/api). */
    static final String EVENTS_PATH = "/switchboard/systems/booking/events";
    static final String WEBHOOK_TIMESTAMP = "X-Booking-Timestamp";
    static final String WEBHOOK_SIGNATURE = "X-Booking-Signature";
    static final List<String> OPERATIONS = List.of("GetBooking", "FindBookings", "RebookingOptions", "Rebook", "Refund");
    private static final Logger LOG = LoggerFactory.getLogger(BookingConnector.class);

    private final AtomicReference<BookingClient> client = new AtomicReference<>();
    private final AtomicInteger maxBodyBytes = new AtomicInteger();
    private final CanonicalJson json = new CanonicalJson();
    private final SystemConnector connector;
    private final BookingEvents events;
    private final Nonces nonces;
    private final BundleRoutes routes;
    private final ServiceRegistration<Servlet> endpoint;

    @Activate
    public BookingConnector(BundleContext context, Config config, @Reference Bus bus, @Reference Nonces nonces) throws Exception {
        this.nonces = nonces;
        client.set(new BookingClient(settings(config), json));
        maxBodyBytes.set(Math.max(1024, config.maxBodyBytes()));
        connector = new SystemConnector(SYSTEM, bus, request -> ask(client.get(), request), policy(config));
        events = new BookingEvents(bus, json, signature(config, nonces));
        routes = BundleRoutes.start(context, "switchboard-booking", bus, connector.routes());
        try {
            Dictionary<String, Object> props = new Hashtable<>();
            props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN, EVENTS_PATH);
            props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME, "switchboard-booking-events");
            // the airline has no login here: each webhook is signed with the shared secret
            props.put(RestEndpoint.ACCESS, RestEndpoint.PUBLIC);
            endpoint = context.registerService(Servlet.class, new BookingEventsServlet(events, maxBodyBytes::get), props);
        } catch (RuntimeException e) {
            connector.stop();
            routes.close();
            throw e;
        }
        if (config.webhookSecret().isBlank()) {
            LOG.warn("booking: no webhookSecret in etc/io.switchboard.system.booking.cfg: {} refuses every webhook", EVENTS_PATH);
        }
    }

    @Modified
    void modified(Config config) {
        client.set(new BookingClient(settings(config), json));
        maxBodyBytes.set(Math.max(1024, config.maxBodyBytes()));
        events.configure(signature(config, nonces));
        connector.configure(policy(config));
        LOG.info("booking: now {} (timeouts {} s/{} s, breaker {} failures, {} s)", config.endpoint(),
                config.connectTimeoutSeconds(), config.callTimeoutSeconds(), config.failureThreshold(), config.coolDownSeconds());
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
        return signature(config.webhookSecret(), Duration.ofSeconds(Math.max(1, config.maxClockSkewSeconds())), nonces);
    }

    /**
     * How the booking system signs a webhook. A replay within the allowed clock skew is the same
     * event id and changes nothing.
     */
    static RequestSignature signature(String secret, Duration maxSkew, Nonces nonces) {
        return new RequestSignature("booking", WEBHOOK_TIMESTAMP, WEBHOOK_SIGNATURE,
                "no webhookSecret is configured (etc/io.switchboard.system.booking.cfg): every event is refused",
                secret, maxSkew, nonces);
    }

    static BookingClient.Settings settings(Config config) {
        return new BookingClient.Settings(URI.create(config.endpoint().trim()), config.apiKey(),
                Duration.ofSeconds(Math.max(1, config.connectTimeoutSeconds())),
                Duration.ofSeconds(Math.max(1, config.callTimeoutSeconds())));
    }

    /** One request, one call to the booking system; the answer flattened into the reply's String data. */
    static Map<String, String> ask(BookingClient client, SystemRequest request) throws SystemFault, SystemUnreachable {
        String operation = request.operation();
        return switch (operation) {
            case "GetBooking" -> flat(client.booking(param(request, "pnr")));
            case "FindBookings" -> found(client.byPhone(param(request, "phone")));
            case "RebookingOptions" -> options(client.options(param(request, "pnr")));
            case "Rebook" -> {
                String pnr = param(request, "pnr");
                yield flat(client.rebook(pnr, param(request, "optionId")));
            }
            case "Refund" -> flat(client.refund(param(request, "pnr")));
            default -> throw new SystemFault(null, "booking has no operation " + operation + " (only "
                    + String.join(", ", OPERATIONS) + ")");
        };
    }

    private static String param(SystemRequest request, String name) throws SystemFault {
        String value = request.params().get(name);
        if (value == null || value.isBlank()) {
            throw new SystemFault(null, request.operation() + " needs the parameter " + name);
        }
        return value.strip();
    }

    /**
     * A booking as flat data: {@code pnr}, {@code status}, {@code names}; the first segment as
     * {@code flight}, {@code date}, {@code from}, {@code to}, {@code departs}; then every traveller
     * and segment numbered from 1 ({@code passenger.1.name}, {@code segment.2.flight}).
     */
    static Map<String, String> flat(BookingClient.Booking b) {
        Map<String, String> data = new LinkedHashMap<>();
        put(data, "pnr", b.pnr());
        put(data, "status", b.status());
        List<BookingClient.Passenger> passengers = b.passengers() == null ? List.of() : b.passengers();
        List<BookingClient.Segment> segments = b.segments() == null ? List.of() : b.segments();
        put(data, "names", String.join("、", passengers.stream().map(BookingClient.Passenger::name)
                .filter(n -> n != null).toList()));
        if (!segments.isEmpty()) {
            segment(data, "", segments.get(0));
        }
        data.put("passengers", Integer.toString(passengers.size()));
        for (int i = 0; i < passengers.size(); i++) {
            BookingClient.Passenger p = passengers.get(i);
            String k = "passenger." + (i + 1) + ".";
            put(data, k + "name", p.name());
            put(data, k + "phone", p.phone());
            put(data, k + "email", p.email());
            put(data, k + "preferredChannel", p.preferredChannel());
        }
        data.put("segments", Integer.toString(segments.size()));
        for (int i = 0; i < segments.size(); i++) {
            segment(data, "segment." + (i + 1) + ".", segments.get(i));
        }
        put(data, "chosenOption", b.chosenOption());
        put(data, "refundId", b.refundId());
        return data;
    }

    private static void segment(Map<String, String> data, String prefix, BookingClient.Segment s) {
        put(data, prefix + "flight", s.flight());
        put(data, prefix + "date", s.date());
        put(data, prefix + "from", s.from());
        put(data, prefix + "to", s.to());
        put(data, prefix + "departs", s.departs());
    }

    /** {@code count}, {@code pnrs} (comma-separated), then each as {@code booking.1.pnr}, {@code .status}, {@code .flight}, {@code .date}. */
    static Map<String, String> found(BookingClient.Found found) {
        List<BookingClient.Booking> bookings = found.bookings() == null ? List.of() : found.bookings();
        Map<String, String> data = new LinkedHashMap<>();
        data.put("count", Integer.toString(bookings.size()));
        data.put("pnrs", String.join(",", bookings.stream().map(BookingClient.Booking::pnr).toList()));
        for (int i = 0; i < bookings.size(); i++) {
            BookingClient.Booking b = bookings.get(i);
            String k = "booking." + (i + 1) + ".";
            put(data, k + "pnr", b.pnr());
            put(data, k + "status", b.status());
            if (b.segments() != null && !b.segments().isEmpty()) {
                put(data, k + "flight", b.segments().get(0).flight());
                put(data, k + "date", b.segments().get(0).date());
            }
        }
        return data;
    }

    /** {@code pnr}, {@code status}, {@code count}, {@code options} ("1) … 2) …"), then {@code option.1.id}, {@code option.1.text}. */
    static Map<String, String> options(BookingClient.Options options) {
        List<BookingClient.Option> list = options.options() == null ? List.of() : options.options();
        Map<String, String> data = new LinkedHashMap<>();
        put(data, "pnr", options.pnr());
        put(data, "status", options.status());
        data.put("count", Integer.toString(list.size()));
        data.put("options", BookingEvent.optionsText(list.stream().map(o -> new BookingEvent.Choice(o.id(), o.text())).toList()));
        for (int i = 0; i < list.size(); i++) {
            put(data, "option." + (i + 1) + ".id", list.get(i).id());
            put(data, "option." + (i + 1) + ".text", list.get(i).text());
        }
        return data;
    }

    private static void put(Map<String, String> data, String key, String value) {
        if (value != null && !value.isEmpty()) {
            data.put(key, value);
        }
    }
}
