package io.switchboard.system.booking.internal;

import io.switchboard.api.BusinessEvent;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A webhook from the booking system, as it sends it ({@code docs/systems/booking.md}): a cancelled
 * flight (every affected booking's travellers) or a booking whose schedule changed, with the options
 * the travellers may choose from. Members the connector does not know are ignored.
 */
public record BookingEvent(String eventId, String type, String occurredAt, String flight, String date, String from,
                           String to, String departs, String reason, String pnr, String change, String previousFlight,
                           String previousDate, String previousDeparts, List<Traveller> passengers, List<Choice> options) {

    static final String FLIGHT_CANCELLED = "flight.cancelled";
    static final String BOOKING_CHANGED = "booking.changed";
    static final String SOURCE = "booking";

    /** A traveller on an affected booking; {@code preferredChannel} ({@code sms}, {@code email}) is optional. */
    public record Traveller(String pnr, String name, String phone, String email, String preferredChannel) {
    }

    public record Choice(String id, String text) {
    }

    public BookingEvent {
        passengers = passengers == null ? List.of() : List.copyOf(passengers.stream().filter(p -> p != null).toList());
        options = options == null ? List.of() : List.copyOf(options.stream().filter(o -> o != null).toList());
    }

    /**
     * The business event proactive rules read: id {@code booking:<eventId>} (a redelivered webhook is
     * the same event), the facts the rules' texts use as {@code data}, and one contact per traveller
     * in {@code affected}.
     *
     * @throws IllegalArgumentException when the webhook lacks what a rule needs (a 400 to the sender)
     */
    BusinessEvent toBusinessEvent(Instant received) {
        if (eventId == null || !eventId.matches("[A-Za-z0-9._:@-]{1,150}")) {
            throw new IllegalArgumentException("eventId must be 1-150 letters, digits or . _ : @ -");
        }
        if (!FLIGHT_CANCELLED.equals(type) && !BOOKING_CHANGED.equals(type)) {
            throw new IllegalArgumentException("type must be " + FLIGHT_CANCELLED + " or " + BOOKING_CHANGED + ", not " + type);
        }
        if (blank(flight) || blank(date)) {
            throw new IllegalArgumentException("flight and date are required");
        }
        if (BOOKING_CHANGED.equals(type) && blank(pnr)) {
            throw new IllegalArgumentException("a booking.changed event names its pnr");
        }
        Instant time;
        try {
            time = blank(occurredAt) ? received : Instant.parse(occurredAt.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("occurredAt must be an ISO-8601 instant: " + occurredAt);
        }
        Map<String, String> data = new LinkedHashMap<>();
        put(data, "eventId", eventId);
        put(data, "flight", flight);
        put(data, "date", date);
        put(data, "from", from);
        put(data, "to", to);
        put(data, "departs", departs);
        put(data, "reason", reason);
        put(data, "pnr", pnr);
        put(data, "change", change);
        put(data, "previousFlight", previousFlight);
        put(data, "previousDate", previousDate);
        put(data, "previousDeparts", previousDeparts);
        put(data, "options", optionsText(options));
        put(data, "optionIds", String.join(",", options.stream().map(Choice::id).toList()));
        Set<String> pnrs = new LinkedHashSet<>();
        Set<String> affected = new LinkedHashSet<>();
        int uncontactable = 0;
        for (Traveller t : passengers) {
            if (!blank(t.pnr())) {
                pnrs.add(t.pnr().strip());
            }
            String contact = contactOf(t);
            if (contact == null) {
                uncontactable++;
            } else {
                affected.add(contact);
            }
        }
        if (pnr == null) {
            put(data, "pnrs", String.join(",", pnrs));
        }
        data.put("passengers", Integer.toString(passengers.size()));
        if (uncontactable > 0) {
            data.put("uncontactable", Integer.toString(uncontactable));
        }
        return new BusinessEvent("booking:" + eventId, type, SOURCE, time, data, new ArrayList<>(affected));
    }

    /** "1) 明天 08:00 CA1502 2) 全额退款": how an SMS lists the choices the traveller answers with. */
    static String optionsText(List<Choice> options) {
        List<String> parts = new ArrayList<>();
        for (Choice c : options) {
            if (!blank(c.text())) {
                parts.add((blank(c.id()) ? "" : c.id().strip() + ") ") + c.text().strip());
            }
        }
        return String.join(" ", parts);
    }

    /**
     * One contact per traveller, in the forms proactive service resolves ({@code sms:+86…},
     * {@code email:…}): the preferred channel's, else the phone, else the email. One, not all: each
     * entry is a push, and a traveller is told once.
     */
    static String contactOf(Traveller t) {
        String phone = phone(t.phone());
        String email = blank(t.email()) ? null : t.email().strip();
        String preferred = t.preferredChannel() == null ? "" : t.preferredChannel().strip().toLowerCase(Locale.ROOT);
        if (preferred.equals("email") && email != null) {
            return "email:" + email;
        }
        if (phone != null) {
            return "sms:" + phone;
        }
        return email == null ? null : "email:" + email;
    }

    /**
     * E.164 as the SMS channel knows its customers: booking systems send {@code 13800000001},
     * {@code 86 138-0000-0001} or {@code 0086…} for the same mainland mobile.
     */
    static String phone(String raw) {
        if (blank(raw)) {
            return null;
        }
        String p = raw.strip().replaceAll("[\\s()\\-.]", "");
        if (p.startsWith("00")) {
            p = "+" + p.substring(2);
        }
        if (p.matches("1[3-9][0-9]{9}")) {
            return "+86" + p;
        }
        if (p.matches("861[3-9][0-9]{9}")) {
            return "+" + p;
        }
        return p.matches("\\+?[0-9]{5,20}") ? p : null;
    }

    private static void put(Map<String, String> data, String key, String value) {
        if (!blank(value)) {
            data.put(key, value.strip());
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
