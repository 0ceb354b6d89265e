package io.switchboard.system.billing.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.bus.Bus;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.bus.DeadLetters;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.builder.RouteBuilder;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The billing connector: the bundle's one DS component, owning its CamelContext. It answers
 * {@code GetAccountStatus} requests from {@code sb.system.billing.request} by asking the customer's
 * billing system over SOAP 1.1 ({@code BillingService.wsdl}). Configured by
 * {@code etc/io.switchboard.system.billing.cfg}; a change applies to the next call without
 * restarting the routes, so a request held through an outage is not put back for it.
 */
@Component(immediate = true, configurationPid = "io.switchboard.system.billing")
@Designate(ocd = BillingConnector.Config.class)
public class BillingConnector {

    @ObjectClassDefinition(name = "Switchboard billing connector (SOAP)")
    public @interface Config {
        @AttributeDefinition(description = "The billing system's BillingService endpoint (soap:address)")
        String endpoint() default "http://localhost:8089/billing";

        @AttributeDefinition(description = "HTTP Basic user, if the billing system asks for one")
        String username() default "";

        @AttributeDefinition(type = AttributeType.PASSWORD, description = "HTTP Basic password")
        String password() default "";

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

    static final String REQUESTS = BusAddress.systemRequest(Inquiries.SYSTEM);
    private static final Logger LOG = LoggerFactory.getLogger(BillingConnector.class);

    private final AtomicReference<BillingClient> client = new AtomicReference<>();
    private final AtomicReference<Inquiries.Retry> retry = new AtomicReference<>();
    private final Breaker breaker;
    private final Inquiries inquiries;
    private final BundleRoutes routes;

    @Activate
    public BillingConnector(BundleContext context, Config config, @Reference Bus bus) throws Exception {
        breaker = new Breaker(Clock.systemUTC(), config.failureThreshold(), Duration.ofSeconds(Math.max(1, config.coolDownSeconds())));
        apply(config);
        inquiries = new Inquiries(client::get, retry::get, breaker, bus, new CanonicalJson(), Clock.systemUTC());
        routes = BundleRoutes.start(context, "switchboard-billing", bus, routes(inquiries));
    }

    @Modified
    void modified(Config config) {
        apply(config);
        LOG.info("billing: now {} (timeouts {} s/{} s, breaker {} failures, {} s)", config.endpoint(),
                config.connectTimeoutSeconds(), config.callTimeoutSeconds(), config.failureThreshold(), config.coolDownSeconds());
    }

    private void apply(Config config) {
        client.set(new BillingClient(settings(config)));
        retry.set(new Inquiries.Retry(Duration.ofMillis(Math.max(10, config.retryFirstMillis())),
                Duration.ofSeconds(Math.max(1, config.retryMaxSeconds())), Duration.ofSeconds(Math.max(5, config.holdSeconds()))));
        breaker.configure(config.failureThreshold(), Duration.ofSeconds(Math.max(1, config.coolDownSeconds())));
    }

    @Deactivate
    void deactivate() {
        inquiries.stop();
        routes.close();
    }

    static BillingClient.Settings settings(Config config) {
        return new BillingClient.Settings(URI.create(config.endpoint().trim()),
                Duration.ofSeconds(Math.max(1, config.connectTimeoutSeconds())),
                Duration.ofSeconds(Math.max(1, config.callTimeoutSeconds())), config.username(), config.password());
    }

    /** One consumer on purpose: while billing is down, one request in hand is enough to find out when it is back. */
    static RouteBuilder routes(Inquiries inquiries) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:queue:" + REQUESTS + "?transacted=true&asyncStartListener=true")
                        .routeId("billing-requests")
                        .errorHandler(DeadLetters.forAddress(REQUESTS))
                        .process(inquiries::answer);
            }
        };
    }
}
