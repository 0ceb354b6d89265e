package io.switchboard.system.billing.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.SystemRequest;
import io.switchboard.bus.Bus;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.systems.CallPolicy;
import io.switchboard.systems.SystemConnector;
import io.switchboard.systems.SystemFault;
import io.switchboard.systems.SystemUnreachable;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The billing connector: the bundle's one DS component, owning its CamelContext. It answers
 * {@code GetAccountStatus} requests from {@code sb.system.billing.request} by asking the customer's
 * billing system over SOAP 1.1 ({@code BillingService.wsdl}, through the CXF JAX-WS client generated
 * from it). Configured by
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

    static final String SYSTEM = "billing";
    static final String OPERATION = "GetAccountStatus";
    static final String ACCOUNT = "accountNumber";
    static final String REQUESTS = BusAddress.systemRequest(SYSTEM);
    private static final Logger LOG = LoggerFactory.getLogger(BillingConnector.class);

    private final AtomicReference<BillingClient> client = new AtomicReference<>();
    private final SystemConnector connector;
    private final BundleRoutes routes;

    @Activate
    public BillingConnector(BundleContext context, Config config, @Reference Bus bus) throws Exception {
        client.set(new BillingClient(settings(config)));
        connector = new SystemConnector(SYSTEM, bus, request -> ask(client.get(), request), policy(config));
        try {
            routes = BundleRoutes.start(context, "switchboard-billing", bus, connector.routes());
        } catch (Exception | Error e) {
            client.get().close();
            throw e;
        }
    }

    @Modified
    void modified(Config config) {
        // a new client (its own CXF bus and conduit) per configuration; a call still on the old one
        // either ends or fails as an outage and is asked again on the new one
        client.getAndSet(new BillingClient(settings(config))).close();
        connector.configure(policy(config));
        LOG.info("billing: now {} (timeouts {} s/{} s, breaker {} failures, {} s)", config.endpoint(),
                config.connectTimeoutSeconds(), config.callTimeoutSeconds(), config.failureThreshold(), config.coolDownSeconds());
    }

    @Deactivate
    void deactivate() {
        connector.stop();
        routes.close();
        client.get().close();
    }

    static CallPolicy policy(Config config) {
        return CallPolicy.of(config.failureThreshold(), config.coolDownSeconds(), config.retryFirstMillis(),
                config.retryMaxSeconds(), config.holdSeconds());
    }

    /** The one operation billing has: an account's balance, arrears and whether it is suspended. */
    static Map<String, String> ask(BillingClient client, SystemRequest request) throws SystemFault, SystemUnreachable {
        if (!OPERATION.equals(request.operation())) {
            throw new SystemFault(null, "billing has no operation " + request.operation() + " (only " + OPERATION + ")");
        }
        String account = request.params().get(ACCOUNT);
        if (account == null || account.isBlank()) {
            throw new SystemFault(null, OPERATION + " needs the parameter " + ACCOUNT);
        }
        AccountStatus status = client.accountStatus(account.trim());
        Map<String, String> data = new LinkedHashMap<>();
        data.put(ACCOUNT, status.accountNumber());
        data.put("balance", status.balance().toPlainString());
        data.put("arrears", status.arrears().toPlainString());
        data.put("currency", "CNY");
        data.put("status", status.status());
        if (status.suspendedSince() != null) {
            data.put("suspendedSince", status.suspendedSince().toString());
        }
        return data;
    }

    static BillingClient.Settings settings(Config config) {
        return new BillingClient.Settings(URI.create(config.endpoint().trim()),
                Duration.ofSeconds(Math.max(1, config.connectTimeoutSeconds())),
                Duration.ofSeconds(Math.max(1, config.callTimeoutSeconds())), config.username(), config.password());
    }
}
