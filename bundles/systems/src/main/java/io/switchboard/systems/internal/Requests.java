package io.switchboard.systems.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.DomainEvent;
import io.switchboard.api.Ids;
import io.switchboard.api.SystemReply;
import io.switchboard.api.SystemRequest;
import io.switchboard.bus.Bus;
import io.switchboard.bus.BusUnavailableException;
import io.switchboard.systems.CallPolicy;
import io.switchboard.systems.SystemCall;
import io.switchboard.systems.SystemFault;
import io.switchboard.systems.SystemUnreachable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one {@link SystemRequest} inside the bus transaction. While the system cannot be reached
 * the request stays in hand, unacknowledged, and is asked again with a doubling pause; the breaker
 * stops all asking for its cool-down. After {@code hold} or on a stop the transaction is rolled
 * back and the broker hands the request out again, so an outage dead-letters nothing.
 */
public final class Requests {

    private static final Logger LOG = LoggerFactory.getLogger(Requests.class);

    private final String system;
    private final SystemCall call;
    private final Breaker breaker;
    private final Bus bus;
    private final CanonicalJson json;
    private final Clock clock;
    private volatile CallPolicy policy;
    private volatile boolean stopping;

    public Requests(String system, SystemCall call, CallPolicy policy, Breaker breaker, Bus bus, CanonicalJson json,
                    Clock clock) {
        this.system = system;
        this.call = call;
        this.policy = policy;
        this.breaker = breaker;
        this.bus = bus;
        this.json = json;
        this.clock = clock;
    }

    public void configure(CallPolicy policy) {
        this.policy = policy;
    }

    public void stop() {
        stopping = true;
        breaker.wake();
    }

    public void answer(Exchange exchange) throws Exception {
        SystemRequest request = json.fromJson(exchange.getMessage().getMandatoryBody(String.class), SystemRequest.class);
        SystemReply reply = reply(request);
        if (reply == null) {
            // back to the broker, undelivered as far as anyone can tell; asked again when it comes back
            exchange.setRollbackOnly(true);
            return;
        }
        // One reply per request id: a request redelivered after this send (a crash before the commit)
        // is answered again, and the broker drops the second reply by this id.
        bus.send(request.replyTo(), json.toJson(reply), Map.of(BusAddress.DUPLICATE_ID, "reply:" + request.id(),
                BusAddress.PAYLOAD_TYPE, "SystemReply"));
    }

    /** @return the answer, or null when the request must go back to the bus unanswered */
    public SystemReply reply(SystemRequest request) throws InterruptedException {
        CallPolicy retry = policy;
        Instant heldUntil = clock.instant().plus(retry.hold());
        Duration pause = retry.retryFirst();
        while (true) {
            Instant deadline = request.expiresAt() != null && request.expiresAt().isBefore(heldUntil)
                    ? request.expiresAt() : heldUntil;
            if (request.expiresAt() != null && !clock.instant().isBefore(request.expiresAt())) {
                String last = breaker.status().lastFailure();
                return reply(request, SystemReply.Status.EXPIRED, Map.of(), system + " was not reachable before "
                        + request.expiresAt() + (last == null ? "" : ": " + last));
            }
            if (stopping || !clock.instant().isBefore(heldUntil)) {
                return null;
            }
            if (!breaker.awaitPermit(deadline, () -> stopping)) {
                continue;
            }
            try {
                Map<String, String> data = call.call(request);
                breaker.answered().ifPresent(this::up);
                return reply(request, SystemReply.Status.OK, data == null ? Map.of() : data, null);
            } catch (SystemFault fault) {
                // the system is up and said no: that is an answer, never retried
                breaker.answered().ifPresent(this::up);
                Map<String, String> data = new LinkedHashMap<>();
                if (fault.code() != null) {
                    data.put("faultCode", fault.code());
                }
                return reply(request, SystemReply.Status.FAULT, data, fault.getMessage());
            } catch (SystemUnreachable unreachable) {
                LOG.warn("{}: request {} ({}): {}", system, request.id(), request.operation(), unreachable.getMessage());
                breaker.failed(unreachable.getMessage()).ifPresent(since -> down(since, unreachable.getMessage()));
                Duration wait = pause;
                Instant now = clock.instant();
                if (now.plus(wait).isAfter(deadline)) {
                    Duration left = Duration.between(now, deadline);
                    wait = left.isNegative() ? Duration.ZERO : left;
                }
                if (!breaker.pause(wait, () -> stopping)) {
                    return null;
                }
                Duration doubled = pause.multipliedBy(2);
                pause = doubled.compareTo(policy.retryMax()) > 0 ? policy.retryMax() : doubled;
            }
        }
    }

    private SystemReply reply(SystemRequest request, SystemReply.Status status, Map<String, String> data, String fault) {
        return new SystemReply(request.id(), system, request.operation(), status, data, fault, clock.instant());
    }

    private void down(Instant since, String reason) {
        LOG.error("{} is down since {}: {}; requests wait on the bus", system, since, reason);
        event(DomainEvent.SYSTEM_DOWN, Map.of("system", system, "reason", String.valueOf(reason), "since", since.toString()));
    }

    private void up(Duration downFor) {
        LOG.info("{} answers again after {} s", system, downFor.toSeconds());
        event(DomainEvent.SYSTEM_UP, Map.of("system", system, "downFor", Long.toString(downFor.toSeconds())));
    }

    private void event(String type, Map<String, String> data) {
        DomainEvent event = new DomainEvent(Ids.newId(), type, clock.instant(), null, null, data);
        try {
            bus.publish(BusAddress.EVENTS, json.toJson(event), event.busProperties());
        } catch (BusUnavailableException e) {
            // the breaker's state stays right; only the announcement is lost
            LOG.warn("{}: {} not published: {}", system, type, e.getMessage());
        }
    }
}
