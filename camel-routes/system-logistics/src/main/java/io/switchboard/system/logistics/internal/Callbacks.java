package io.switchboard.system.logistics.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.BusinessEvent;
import io.switchboard.api.CanonicalJson;
import io.switchboard.bus.Bus;
import io.switchboard.bus.BusUnavailableException;
import io.switchboard.rest.Problem;
import io.switchboard.rest.RequestSignature;
import io.switchboard.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the courier company calls back, judged and turned into a business event. Checked in the
 * order that costs least and reveals least: the signature and its freshness (401, before the body
 * is even parsed, so an unsigned caller learns nothing about the format), then the JSON and the
 * event (400). Only then does a {@code parcel.*} {@link BusinessEvent} go on
 * {@code sb.business-events}, and the 200 comes once the broker has it; when it does not, the 503
 * makes the courier call back again. A callback delivered twice is one event: its id is
 * {@code logistics:<eventId>}, and the broker drops a repeat of the same duplicate id.
 *
 * <p>Kept apart from the servlet so the same judgement is tested over plain HTTP outside Karaf.
 */
final class Callbacks {

    static final String SOURCE = "logistics";
    /** The courier's event names and the business event types they become. */
    static final Map<String, String> TYPES = Map.of("picked_up", "parcel.picked-up", "delayed", "parcel.delayed",
            "delivered", "parcel.delivered", "cancelled", "parcel.cancelled");

    /** The courier's callback body. */
    public record Callback(String eventId, String event, String trackingNumber, String reference, String eta,
                           String reason, String courier, String at) {
    }

    /** The HTTP answer: a status, its content type and body. */
    record Answer(int status, String contentType, String body) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(Callbacks.class);

    private final Bus bus;
    private final CanonicalJson json;
    private final AtomicReference<RequestSignature> signature;

    Callbacks(Bus bus, CanonicalJson json, RequestSignature signature) {
        this.bus = bus;
        this.json = json;
        this.signature = new AtomicReference<>(signature);
    }

    /** A new secret or skew applies to the next callback. */
    void configure(RequestSignature signature) {
        this.signature.set(signature);
    }

    Answer receive(String timestamp, String signatureHeader, byte[] body, Instant now) {
        RequestSignature taking = signature.get();
        String refused = taking.refuse(timestamp, signatureHeader, body, now);
        if (refused != null) {
            LOG.debug("logistics callback refused: {}", refused);
            return problem(401, "Unauthorized", refused);
        }
        BusinessEvent event;
        try {
            event = toEvent(parse(body));
        } catch (IllegalArgumentException e) {
            return problem(400, "Bad request", e.getMessage());
        }
        try {
            if (!taking.firstTime(timestamp, signatureHeader)) {
                LOG.info("logistics callback {} with this signature was taken before: answered, not published again", event.id());
                return new Answer(200, "application/json;charset=UTF-8",
                        json.toJson(Map.of("id", event.id(), "type", event.type(), "duplicate", true)));
            }
        } catch (StoreException e) {
            return problem(503, "Service unavailable", "the callback could not be checked against earlier ones; call back again");
        }
        try {
            bus.publish(BusAddress.BUSINESS_EVENTS, json.toJson(event), Map.of(
                    BusAddress.DUPLICATE_ID, "business:" + event.id(),
                    BusAddress.PAYLOAD_TYPE, "BusinessEvent"));
        } catch (BusUnavailableException e) {
            // the courier's call back of this very request must get in
            taking.giveBack(signatureHeader);
            LOG.warn("logistics callback {} not taken by the bus; the courier company calls back again: {}", event.id(),
                    e.getMessage());
            return problem(503, "Service unavailable", "the event could not be put on the bus; call back again");
        }
        LOG.debug("logistics callback {} published as {}", event.id(), event.type());
        return new Answer(200, "application/json;charset=UTF-8", json.toJson(Map.of("id", event.id(), "type", event.type())));
    }

    private Callback parse(byte[] body) {
        if (body.length == 0) {
            throw new IllegalArgumentException("a JSON body is required");
        }
        try {
            return json.fromJson(new String(body, StandardCharsets.UTF_8), Callback.class);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            // JSON-P's parse errors are not always wrapped by JSON-B
            throw new IllegalArgumentException("malformed JSON: " + e.getMessage(), e);
        }
    }

    static BusinessEvent toEvent(Callback c) {
        if (c.eventId() == null || !c.eventId().matches("[A-Za-z0-9._:-]{1,150}")) {
            throw new IllegalArgumentException("eventId must be 1-150 letters, digits or . _ : -");
        }
        String type = c.event() == null ? null : TYPES.get(c.event());
        if (type == null) {
            throw new IllegalArgumentException("event must be one of picked_up, delayed, delivered, cancelled, not " + c.event());
        }
        if (c.trackingNumber() == null || c.trackingNumber().isBlank()) {
            throw new IllegalArgumentException("trackingNumber is required");
        }
        Instant at = instant(c.at());
        // every key always there, empty when the courier did not say: rules and flows read them by name
        Map<String, String> data = new LinkedHashMap<>();
        data.put("tracking", c.trackingNumber().strip());
        data.put("reference", text(c.reference()));
        data.put("eta", text(c.eta()));
        data.put("reason", text(c.reason()));
        data.put("courier", text(c.courier()));
        data.put("at", at.toString());
        // the courier company knows our work order only: proactive rules reach its customer through it
        String reference = data.get("reference");
        return new BusinessEvent(SOURCE + ":" + c.eventId(), type, SOURCE, at, data,
                reference.isEmpty() ? List.of() : List.of("workorder:" + reference));
    }

    private static Instant instant(String at) {
        if (at == null || at.isBlank()) {
            throw new IllegalArgumentException("at is required (ISO-8601)");
        }
        try {
            return Instant.parse(at.strip());
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(at.strip()).toInstant();
            } catch (DateTimeParseException again) {
                throw new IllegalArgumentException("at must be ISO-8601 with a zone, not " + at);
            }
        }
    }

    private static String text(String value) {
        return value == null ? "" : value.strip();
    }

    private Answer problem(int status, String title, String detail) {
        return new Answer(status, Problem.MEDIA_TYPE + ";charset=UTF-8", json.toJson(Problem.of(status, title, detail)));
    }
}
