package io.switchboard.system.billing.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.DomainEvent;
import io.switchboard.api.Ids;
import io.switchboard.api.SystemReply;
import io.switchboard.api.SystemRequest;
import io.switchboard.bus.Bus;
import io.switchboard.bus.BusUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one {@link SystemRequest} taken from {@code sb.system.billing.request} inside the bus
 * transaction. While billing cannot be reached the request stays in hand, unacknowledged, and is
 * asked again with a doubling pause; the breaker stops all asking for its cool-down. Nothing is
 * dead-lettered for an outage: after {@code hold} (below the broker's transaction timeout) or on a
 * stop, the transaction is rolled back and the broker hands the request out again.
 */
final class Inquiries {

    static final String SYSTEM = "billing";
    static final String OPERATION = "GetAccountStatus";
    static final String ACCOUNT = "accountNumber";

    private static final Logger LOG = LoggerFactory.getLogger(Inquiries.class);

    /** How hard to try: the first pause, the longest, and how long one request is held before it goes back. */
    record Retry(Duration first, Duration max, Duration hold) {
    }

    private final Supplier<BillingClient> client;
    private final Supplier<Retry> retry;
    private final Breaker breaker;
    private final Bus bus;
    private final CanonicalJson json;
    private final Clock clock;
    private volatile boolean stopping;

    Inquiries(Supplier<BillingClient> client, Supplier<Retry> retry, Breaker breaker, Bus bus, CanonicalJson json, Clock clock) {
        this.client = client;
        this.retry = retry;
        this.breaker = breaker;
        this.bus = bus;
        this.json = json;
        this.clock = clock;
    }

    void stop() {
        stopping = true;
        breaker.wake();
    }

    void answer(Exchange exchange) throws Exception {
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
    SystemReply reply(SystemRequest request) throws InterruptedException {
        if (!OPERATION.equals(request.operation())) {
            return reply(request, SystemReply.Status.FAULT, Map.of(), "billing has no operation " + request.operation()
                    + " (only " + OPERATION + ")");
        }
        String account = request.params().get(ACCOUNT);
        if (account == null || account.isBlank()) {
            return reply(request, SystemReply.Status.FAULT, Map.of(), OPERATION + " needs the parameter " + ACCOUNT);
        }
        Retry policy = retry.get();
        Instant heldUntil = clock.instant().plus(policy.hold());
        Duration pause = policy.first();
        while (true) {
            Instant deadline = request.expiresAt() != null && request.expiresAt().isBefore(heldUntil)
                    ? request.expiresAt() : heldUntil;
            if (expired(request)) {
                return reply(request, SystemReply.Status.EXPIRED, Map.of(), "billing was not reachable before "
                        + request.expiresAt() + (breaker.status().lastFailure() == null ? ""
                        : ": " + breaker.status().lastFailure()));
            }
            if (stopping || !clock.instant().isBefore(heldUntil)) {
                return null;
            }
            if (!breaker.awaitPermit(deadline, () -> stopping)) {
                continue;
            }
            try {
                AccountStatus status = client.get().accountStatus(account.trim());
                breaker.answered().ifPresent(this::up);
                return reply(request, SystemReply.Status.OK, data(status), null);
            } catch (BillingFault fault) {
                // billing is up and said no: that is an answer, never retried
                breaker.answered().ifPresent(this::up);
                return reply(request, SystemReply.Status.FAULT, Map.of("faultCode", String.valueOf(fault.code())),
                        fault.getMessage());
            } catch (BillingUnreachable unreachable) {
                LOG.warn("billing: request {} for account {}: {}", request.id(), account, unreachable.getMessage());
                breaker.failed(unreachable.getMessage()).ifPresent(since -> down(since, unreachable.getMessage()));
                Duration wait = pause;
                Instant now = clock.instant();
                if (now.plus(wait).isAfter(deadline)) {
                    wait = Duration.between(now, deadline).isNegative() ? Duration.ZERO : Duration.between(now, deadline);
                }
                if (!breaker.pause(wait, () -> stopping)) {
                    return null;
                }
                pause = pause.multipliedBy(2).compareTo(policy.max()) > 0 ? policy.max() : pause.multipliedBy(2);
            }
        }
    }

    private boolean expired(SystemRequest request) {
        return request.expiresAt() != null && !clock.instant().isBefore(request.expiresAt());
    }

    static Map<String, String> data(AccountStatus status) {
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

    private SystemReply reply(SystemRequest request, SystemReply.Status status, Map<String, String> data, String fault) {
        return new SystemReply(request.id(), SYSTEM, request.operation(), status, data, fault, clock.instant());
    }

    private void down(Instant since, String reason) {
        LOG.error("billing is down since {}: {}; requests wait on the bus", since, reason);
        event(DomainEvent.SYSTEM_DOWN, Map.of("system", SYSTEM, "reason", reason, "since", since.toString()));
    }

    private void up(Duration downFor) {
        LOG.info("billing answers again after {} s", downFor.toSeconds());
        event(DomainEvent.SYSTEM_UP, Map.of("system", SYSTEM, "downFor", Long.toString(downFor.toSeconds())));
    }

    private void event(String type, Map<String, String> data) {
        DomainEvent event = new DomainEvent(Ids.newId(), type, clock.instant(), null, null, data);
        try {
            bus.publish(BusAddress.EVENTS, json.toJson(event), Map.of(BusAddress.DUPLICATE_ID, event.id(),
                    BusAddress.PAYLOAD_TYPE, "DomainEvent"));
        } catch (BusUnavailableException e) {
            // the breaker's state stays right; only the announcement is lost
            LOG.warn("billing: {} not published: {}", type, e.getMessage());
        }
    }
}
