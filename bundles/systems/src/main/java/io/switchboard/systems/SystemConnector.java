package io.switchboard.systems;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.bus.Bus;
import io.switchboard.bus.DeadLetters;
import io.switchboard.systems.internal.Breaker;
import io.switchboard.systems.internal.Requests;
import java.time.Clock;
import java.time.Instant;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;

/**
 * Answers the requests on {@code sb.system.<system>.request} with a connector's {@link SystemCall}.
 * A connector's DS component creates one, adds {@link #routes()} to its bundle's routes
 * ({@code BundleRoutes.start}), passes a new {@link CallPolicy} on a configuration change and
 * {@link #stop()}s it before closing the routes.
 *
 * <p>Each request is taken inside the bus transaction and answered once, on its {@code replyTo},
 * with the broker dropping a second reply to the same id. While the system is unreachable the
 * request stays in hand and is asked again with a doubling pause; after {@code failureThreshold}
 * failures in a row the breaker opens, {@code system.down} goes on {@code sb.events}, and nothing is
 * asked until the cool-down ends; the first answer after that publishes {@code system.up}. A request
 * held for {@code hold}, or in hand when the connector stops, goes back to the bus; one whose
 * {@code expiresAt} passes is answered EXPIRED. Nothing is dead-lettered for an outage.
 */
public final class SystemConnector {

    /** What the breaker knows: CLOSED, OPEN or HALF_OPEN, since when it is down, why, and the last success. */
    public record Health(String state, int consecutiveFailures, String lastFailure, Instant downSince,
                         Instant lastSuccess) {
    }

    private final String system;
    private final Breaker breaker;
    private final Requests requests;

    public SystemConnector(String system, Bus bus, SystemCall call, CallPolicy policy) {
        this(system, bus, call, policy, Clock.systemUTC());
    }

    SystemConnector(String system, Bus bus, SystemCall call, CallPolicy policy, Clock clock) {
        this.system = system;
        this.breaker = new Breaker(clock, policy.failureThreshold(), policy.coolDown());
        this.requests = new Requests(system, call, policy, breaker, bus, new CanonicalJson(), clock);
    }

    /** The system's name, as in {@code sb.system.<system>.request}. */
    public String system() {
        return system;
    }

    /**
     * The route taking the requests. One consumer on purpose: while the system is down, one request
     * in hand is enough to find out when it is back.
     */
    public RoutesBuilder routes() {
        String address = BusAddress.systemRequest(system);
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:queue:" + address + "?transacted=true&asyncStartListener=true")
                        .routeId(system + "-requests")
                        .errorHandler(DeadLetters.forAddress(address))
                        .process(requests::answer);
            }
        };
    }

    /** Applies to the request in hand too: a shorter cool-down or pause takes effect at once. */
    public void configure(CallPolicy policy) {
        requests.configure(policy);
        breaker.configure(policy.failureThreshold(), policy.coolDown());
    }

    public Health health() {
        Breaker.Status status = breaker.status();
        return new Health(status.state().name(), status.consecutiveFailures(), status.lastFailure(), status.downSince(),
                status.lastSuccess());
    }

    /** Ends every wait: the request in hand goes back to the bus. Call before closing the routes. */
    public void stop() {
        requests.stop();
    }
}
