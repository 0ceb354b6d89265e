package io.switchboard.system.booking.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.BusinessEvent;
import io.switchboard.api.CanonicalJson;
import io.switchboard.bus.Bus;
import io.switchboard.rest.RequestSignature;
import io.switchboard.bus.BusUnavailableException;
import io.switchboard.rest.Problem;
import io.switchboard.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code POST /switchboard/systems/booking/events} does with a webhook, apart from HTTP:
 * checked in the order that costs least (size 413, signature and freshness 401, JSON 400), then
 * published as one {@link BusinessEvent} on {@code sb.business-events}, and 200 only once the broker
 * has it. The bus drops a repeat by the event's id, so the booking system may deliver it as often as
 * it likes. A 503 (bus down) makes the booking system try again.
 */
final class BookingEvents {

    private static final Logger LOG = LoggerFactory.getLogger(BookingEvents.class);

    /** The HTTP answer: status, body, and {@code Retry-After} seconds (0: none). */
    record Answer(int status, String contentType, String body, int retryAfter) {
    }

    private final Bus bus;
    private final CanonicalJson json;
    private volatile RequestSignature signature;

    BookingEvents(Bus bus, CanonicalJson json, RequestSignature signature) {
        this.bus = bus;
        this.json = json;
        this.signature = signature;
    }

    void configure(RequestSignature signature) {
        this.signature = signature;
    }

    /** @param body the raw body, or null when it was larger than allowed */
    Answer receive(String timestamp, String signed, byte[] body, Instant now) {
        if (body == null) {
            return problem(413, "Payload too large", "the event is larger than maxBodyBytes allows", 0);
        }
        RequestSignature taking = signature;
        String refused = taking.refuse(timestamp, signed, body, now);
        if (refused != null) {
            LOG.warn("booking: webhook refused: {}", refused);
            return problem(401, "Unauthorized", refused, 0);
        }
        BusinessEvent event;
        try {
            event = json.fromJson(new String(body, StandardCharsets.UTF_8), BookingEvent.class).toBusinessEvent(now);
        } catch (IllegalArgumentException | NullPointerException e) {
            return problem(400, "Bad request", "not a booking event: " + e.getMessage(), 0);
        }
        try {
            if (!taking.firstTime(timestamp, signed)) {
                LOG.info("booking: event {} with this signature was taken before: answered, not published again", event.id());
                return new Answer(200, "application/json;charset=UTF-8",
                        json.toJson(Map.of("id", event.id(), "type", event.type(), "duplicate", true)), 0);
            }
        } catch (StoreException e) {
            return problem(503, "Service unavailable", "the event could not be checked against earlier ones; retry", 5);
        }
        try {
            bus.publish(BusAddress.BUSINESS_EVENTS, json.toJson(event), Map.of(BusAddress.DUPLICATE_ID, "business:" + event.id(),
                    BusAddress.PAYLOAD_TYPE, "BusinessEvent"));
        } catch (BusUnavailableException e) {
            // the booking system's retry of this very request must get in
            taking.giveBack(signed);
            LOG.warn("booking: event {} not taken by the bus; the booking system will retry: {}", event.id(), e.getMessage());
            return problem(503, "Service unavailable", "the event could not be queued; retry", 5);
        }
        LOG.info("booking: {} {} for {} contacts", event.type(), event.id(), event.affected().size());
        Map<String, Object> taken = new LinkedHashMap<>();
        taken.put("id", event.id());
        taken.put("type", event.type());
        taken.put("affected", event.affected().size());
        return new Answer(200, "application/json;charset=UTF-8", json.toJson(taken), 0);
    }

    private Answer problem(int status, String title, String detail, int retryAfter) {
        // the platform's problem document (io.switchboard.rest.Problem), written as a map: binding the
        // record would load JAX-RS, which this bundle does not otherwise need
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        return new Answer(status, Problem.MEDIA_TYPE + ";charset=UTF-8", json.toJson(problem), retryAfter);
    }
}
