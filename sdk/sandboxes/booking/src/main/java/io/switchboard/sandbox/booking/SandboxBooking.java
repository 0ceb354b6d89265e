package io.switchboard.sandbox.booking;

import com.sun.net.httpserver.HttpExchange;
import io.switchboard.sandbox.support.Json;
import io.switchboard.sandbox.support.SandboxServer;
import io.switchboard.sandbox.support.Signatures;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * An airline's booking (ticketing) system as far as Switchboard can tell, on the JDK's HTTP server
 * at {@code http://127.0.0.1:<port>}.
 *
 * <p><b>Its API</b>, under {@code /api}, JSON, every request with {@code X-Api-Key}:
 * {@code GET /api/bookings/{pnr}}, {@code GET /api/bookings?phone=}, {@code GET /api/bookings/{pnr}/options},
 * {@code POST /api/bookings/{pnr}/rebook {"optionId"}} (the same option again is the same answer),
 * {@code POST /api/bookings/{pnr}/refund} (idempotent). Errors are {@code {"error","message"}} with
 * 400, 401, 404 or 409.
 *
 * <p><b>Its events</b>: when a flight is cancelled (one event per flight, with every affected
 * booking's passengers) or a booking's schedule changes, it POSTs JSON to the registered webhook,
 * signed {@code X-Booking-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>} with
 * {@code X-Booking-Timestamp} (Unix seconds, fresh on every attempt), and tries again with a
 * doubling pause until the receiver answers 2xx. Every attempt is in the delivery log.
 *
 * <p><b>The control API</b>, under {@code /sandbox} and without a key, is for tests and demos; every
 * call has a Java twin here.
 */
public final class SandboxBooking extends SandboxServer {

    public static final String API_KEY_HEADER = "X-Api-Key";
    public static final String SIGNATURE_HEADER = "X-Booking-Signature";
    public static final String TIMESTAMP_HEADER = "X-Booking-Timestamp";
    public static final String DEFAULT_API_KEY = "sandbox-booking-key";

    /** A traveller on a booking; {@code preferredChannel} ({@code sms}, {@code email}) may be null. */
    public record Passenger(String name, String phone, String email, String preferredChannel) {
        public Passenger {
            Objects.requireNonNull(name, "name");
        }
    }

    /** One flight of a booking: {@code date} as yyyy-MM-dd, {@code departs} as HH:mm. */
    public record Segment(String flight, String date, String from, String to, String departs) {
        public Segment {
            Objects.requireNonNull(flight, "flight");
            Objects.requireNonNull(date, "date");
        }
    }

    /** What a disrupted traveller may choose: another flight, or (no flight) the money back. */
    public record Option(String id, String text, String flight, String date, String departs) {
        public Option {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * {@code status}: CONFIRMED, CANCELLED (its flight was; options wait), CHANGED (schedule change;
     * options wait), REBOOKED, REFUNDED.
     */
    public record Booking(String pnr, String status, List<Passenger> passengers, List<Segment> segments,
                          List<Option> options, String chosenOption, String refundId) {
        public Booking {
            Objects.requireNonNull(pnr, "pnr");
            status = status == null ? "CONFIRMED" : status;
            passengers = List.copyOf(passengers);
            segments = List.copyOf(segments);
            options = options == null ? List.of() : List.copyOf(options);
        }

        Booking with(String status, List<Segment> segments, List<Option> options, String chosen, String refund) {
            return new Booking(pnr, status, passengers, segments, options, chosen, refund);
        }
    }

    /** One attempt to deliver an event: {@code status} is the receiver's HTTP status, 0 if none came. */
    public record Delivery(String eventId, String type, int attempt, int status, String error, Instant at, String url) {
    }

    private final Map<String, Booking> bookings = new ConcurrentHashMap<>();
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final Map<String, String> events = new ConcurrentHashMap<>();
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String apiKey;
    private volatile String webhookUrl;
    private volatile String webhookSecret = "";
    private volatile int failWith;
    private volatile Duration delay = Duration.ZERO;
    private volatile Duration firstRetry = Duration.ofMillis(200);
    private volatile Duration maxRetry = Duration.ofSeconds(5);
    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sandbox-booking-webhooks");
        t.setDaemon(true);
        return t;
    });

    private SandboxBooking(int port, String apiKey) {
        super("sandbox-booking", port);
        this.apiKey = apiKey;
        context("/api/", this::api);
        context("/sandbox/", this::control);
    }

    /** Starts it on {@code port} (0: a free one, kept across {@link #stop()} and {@link #start()}) with the default key. */
    public static SandboxBooking start(int port) {
        return start(port, DEFAULT_API_KEY);
    }

    public static SandboxBooking start(int port, String apiKey) {
        SandboxBooking booking = new SandboxBooking(port, apiKey);
        booking.start();
        return booking;
    }

    /** {@link #stop()} keeps the bookings and the pending webhooks; closing also ends the webhooks. */
    @Override
    public void close() {
        super.close();
        sender.shutdownNow();
    }

    /** The API's base, what the connector's {@code endpoint} is set to. */
    public String apiUrl() {
        return url() + "/api";
    }

    public String apiKey() {
        return apiKey;
    }

    // ---- what tests and the control API do ----

    public SandboxBooking booking(Booking booking) {
        bookings.put(booking.pnr(), booking);
        return this;
    }

    public SandboxBooking booking(String pnr, Segment segment, Passenger... passengers) {
        return booking(new Booking(pnr, "CONFIRMED", List.of(passengers), List.of(segment), List.of(), null, null));
    }

    public Booking get(String pnr) {
        return bookings.get(pnr);
    }

    /** Where events go and the secret they are signed with; pending events go there from now on. */
    public SandboxBooking webhook(String url, String secret) {
        this.webhookUrl = url;
        this.webhookSecret = secret == null ? "" : secret;
        return this;
    }

    /** The pause before the first retry of a webhook, doubling up to {@code max}. */
    public SandboxBooking retries(Duration first, Duration max) {
        this.firstRetry = first;
        this.maxRetry = max;
        return this;
    }

    /** Every API call is answered with this HTTP status and an HTML page (0: normally). */
    public void failWith(int status) {
        this.failWith = status;
    }

    /** Every API answer waits this long first. */
    public void delay(Duration delay) {
        this.delay = delay == null ? Duration.ZERO : delay;
    }

    /** The API calls answered or refused, as "METHOD path", in order (not the control API). */
    public List<String> asked() {
        return List.copyOf(asked);
    }

    public List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    /** The body of an event as sent (and signed). */
    public String event(String eventId) {
        return events.get(eventId);
    }

    /**
     * Cancels {@code flight} on {@code date}: every booking on it becomes CANCELLED with {@code options}
     * (null: the next day's 08:00 flight, or a refund), and one {@code flight.cancelled} event goes out.
     *
     * @return the event's id
     */
    public String cancelFlight(String flight, String date, List<Option> options, String reason) {
        List<Option> offered = options == null || options.isEmpty() ? defaultOptions(flight, date) : options;
        List<Map<String, Object>> passengers = new ArrayList<>();
        Segment segment = null;
        for (Booking b : List.copyOf(bookings.values())) {
            Segment on = b.segments().stream().filter(s -> s.flight().equals(flight) && s.date().equals(date))
                    .findFirst().orElse(null);
            if (on == null || b.status().equals("REFUNDED")) {
                continue;
            }
            segment = on;
            bookings.put(b.pnr(), b.with("CANCELLED", b.segments(), offered, null, b.refundId()));
            for (Passenger p : b.passengers()) {
                passengers.add(passenger(b.pnr(), p));
            }
        }
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("eventId", "evt-" + UUID.randomUUID());
        event.put("type", "flight.cancelled");
        event.put("occurredAt", Instant.now().toString());
        event.put("flight", flight);
        event.put("date", date);
        if (segment != null) {
            event.put("from", segment.from());
            event.put("to", segment.to());
            event.put("departs", segment.departs());
        }
        event.put("reason", reason);
        event.put("passengers", passengers);
        event.put("options", options(offered));
        return send(event);
    }

    /**
     * A schedule change on one booking: its first segment becomes {@code flight}/{@code date}/{@code departs}
     * (null: unchanged), status CHANGED, and one {@code booking.changed} event goes out with {@code change}
     * (what changed, in words) and the options (null: accept the new time, or a refund).
     *
     * @return the event's id
     */
    public String changeBooking(String pnr, String flight, String date, String departs, String change, List<Option> options) {
        Booking b = bookings.get(pnr);
        if (b == null) {
            throw new IllegalArgumentException("no booking " + pnr);
        }
        Segment old = b.segments().get(0);
        Segment now = new Segment(flight == null ? old.flight() : flight, date == null ? old.date() : date, old.from(), old.to(),
                departs == null ? old.departs() : departs);
        List<Segment> segments = new ArrayList<>(b.segments());
        segments.set(0, now);
        List<Option> offered = options == null || options.isEmpty()
                ? List.of(new Option("1", "接受新时间 " + now.date() + " " + (now.departs() == null ? "" : now.departs() + " ") + now.flight(),
                        now.flight(), now.date(), now.departs()), new Option("2", "全额退款", null, null, null))
                : options;
        bookings.put(pnr, b.with("CHANGED", segments, offered, null, b.refundId()));
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("eventId", "evt-" + UUID.randomUUID());
        event.put("type", "booking.changed");
        event.put("occurredAt", Instant.now().toString());
        event.put("pnr", pnr);
        event.put("flight", now.flight());
        event.put("date", now.date());
        event.put("from", now.from());
        event.put("to", now.to());
        event.put("departs", now.departs());
        event.put("previousFlight", old.flight());
        event.put("previousDate", old.date());
        event.put("previousDeparts", old.departs());
        event.put("change", change == null ? describe(old, now) : change);
        List<Map<String, Object>> passengers = new ArrayList<>();
        for (Passenger p : b.passengers()) {
            passengers.add(passenger(pnr, p));
        }
        event.put("passengers", passengers);
        event.put("options", options(offered));
        return send(event);
    }

    /** Sends an event that went out before once more, as a booking system that lost the 2xx would. */
    public void redeliver(String eventId) {
        String body = events.get(eventId);
        if (body == null) {
            throw new IllegalArgumentException("no event " + eventId);
        }
        sender.execute(() -> deliver(eventId, typeOf(body), body, 1, firstRetry));
    }

    private static String describe(Segment old, Segment now) {
        return old.flight() + " " + old.date() + (old.departs() == null ? "" : " " + old.departs()) + " 改为 " + now.flight() + " "
                + now.date() + (now.departs() == null ? "" : " " + now.departs());
    }

    private static List<Option> defaultOptions(String flight, String date) {
        String next;
        try {
            next = LocalDate.parse(date).plusDays(1).toString();
        } catch (DateTimeParseException e) {
            next = date;
        }
        return List.of(new Option("1", next + " 08:00 " + flight + " 改签", flight, next, "08:00"),
                new Option("2", "全额退款", null, null, null));
    }

    private static Map<String, Object> passenger(String pnr, Passenger p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pnr", pnr);
        m.put("name", p.name());
        m.put("phone", p.phone());
        m.put("email", p.email());
        m.put("preferredChannel", p.preferredChannel());
        return m;
    }

    private static List<Map<String, Object>> options(List<Option> options) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Option o : options) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", o.id());
            m.put("text", o.text());
            out.add(m);
        }
        return out;
    }

    private String send(Map<String, Object> event) {
        String id = (String) event.get("eventId");
        String body = Json.writeWithoutNulls(event);
        events.put(id, body);
        sender.execute(() -> deliver(id, (String) event.get("type"), body, 1, firstRetry));
        return id;
    }

    private static String typeOf(String body) {
        return String.valueOf(Json.parseObject(body).get("type"));
    }

    /** One attempt; anything but a 2xx is tried again after {@code pause}, doubled each time. */
    private void deliver(String eventId, String type, String body, int attempt, Duration pause) {
        String url = webhookUrl;
        int status = 0;
        String error = null;
        if (url == null) {
            error = "no webhook registered";
        } else {
            String timestamp = Long.toString(Instant.now().getEpochSecond());
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json; charset=utf-8")
                        .header(TIMESTAMP_HEADER, timestamp)
                        .header(SIGNATURE_HEADER, sign(webhookSecret, timestamp, body.getBytes(StandardCharsets.UTF_8)))
                        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                        HttpResponse.BodyHandlers.ofString());
                status = r.statusCode();
                if (status / 100 != 2) {
                    error = r.body();
                }
            } catch (IOException e) {
                error = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        deliveries.add(new Delivery(eventId, type, attempt, status, error, Instant.now(), url));
        if (status / 100 != 2 && !sender.isShutdown()) {
            Duration next = pause.multipliedBy(2).compareTo(maxRetry) > 0 ? maxRetry : pause.multipliedBy(2);
            sender.schedule(() -> deliver(eventId, type, body, attempt + 1, next), pause.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** {@code sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>}: what a receiver checks. */
    public static String sign(String secret, String timestamp, byte[] body) {
        return Signatures.hmacSha256(secret, timestamp, body);
    }

    // ---- the booking system's API ----

    private void api(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            asked.add(method + " " + path + (exchange.getRequestURI().getRawQuery() == null ? ""
                    : "?" + exchange.getRequestURI().getRawQuery()));
            SandboxServer.pause(delay);
            if (failWith != 0) {
                SandboxServer.errorPage(exchange, failWith);
                return;
            }
            if (!apiKey.equals(exchange.getRequestHeaders().getFirst(API_KEY_HEADER))) {
                error(exchange, 401, "UNAUTHORIZED", "a valid " + API_KEY_HEADER + " is required");
                return;
            }
            String[] parts = path.substring("/api/".length()).split("/");
            if (parts.length == 1 && parts[0].equals("bookings") && method.equals("GET")) {
                String phone = query(exchange, "phone");
                if (phone == null || phone.isBlank()) {
                    error(exchange, 400, "PHONE_REQUIRED", "GET /api/bookings needs ?phone=");
                    return;
                }
                List<Object> found = new ArrayList<>();
                bookings.values().stream().filter(b -> b.passengers().stream().anyMatch(p -> samePhone(p.phone(), phone)))
                        .sorted((a, b) -> a.pnr().compareTo(b.pnr())).forEach(b -> found.add(json(b)));
                answer(exchange, 200, Map.of("bookings", found));
                return;
            }
            if (parts.length < 2 || !parts[0].equals("bookings")) {
                error(exchange, 404, "NOT_FOUND", "no resource " + path);
                return;
            }
            String pnr = parts[1];
            Booking b = bookings.get(pnr);
            if (b == null) {
                error(exchange, 404, "PNR_NOT_FOUND", "订单 " + pnr + " 不存在");
                return;
            }
            String action = parts.length > 2 ? parts[2] : "";
            switch (method + " " + action) {
                case "GET " -> answer(exchange, 200, json(b));
                case "GET options" -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("pnr", pnr);
                    m.put("status", b.status());
                    m.put("options", optionsOf(b));
                    answer(exchange, 200, m);
                }
                case "POST rebook" -> rebook(exchange, b);
                case "POST refund" -> refund(exchange, b);
                default -> error(exchange, 404, "NOT_FOUND", "no resource " + method + " " + path);
            }
        } catch (RuntimeException e) {
            error(exchange, 500, "INTERNAL", "sandbox failed: " + e);
        }
    }

    private synchronized void rebook(HttpExchange exchange, Booking b) throws IOException {
        String optionId;
        try {
            Object id = Json.parseObject(SandboxServer.body(exchange)).get("optionId");
            optionId = id == null ? null : id.toString();
        } catch (IllegalArgumentException e) {
            error(exchange, 400, "BAD_REQUEST", e.getMessage());
            return;
        }
        if (optionId == null || optionId.isBlank()) {
            error(exchange, 400, "OPTION_REQUIRED", "optionId is required");
            return;
        }
        if (b.chosenOption() != null) {
            if (b.chosenOption().equals(optionId)) {
                answer(exchange, 200, json(b));
            } else {
                error(exchange, 409, "ALREADY_CHOSEN", "订单 " + b.pnr() + " 已选择方案 " + b.chosenOption());
            }
            return;
        }
        Option option = b.options().stream().filter(o -> o.id().equals(optionId)).findFirst().orElse(null);
        if (option == null) {
            error(exchange, 400, "NO_SUCH_OPTION", "订单 " + b.pnr() + " 没有方案 " + optionId);
            return;
        }
        Booking now;
        if (option.flight() == null) {
            now = b.with("REFUNDED", b.segments(), b.options(), optionId, "RF-" + b.pnr());
        } else {
            List<Segment> segments = new ArrayList<>(b.segments());
            Segment old = segments.get(0);
            segments.set(0, new Segment(option.flight(), option.date(), old.from(), old.to(), option.departs()));
            now = b.with("REBOOKED", segments, b.options(), optionId, null);
        }
        bookings.put(b.pnr(), now);
        answer(exchange, 200, json(now));
    }

    private synchronized void refund(HttpExchange exchange, Booking b) throws IOException {
        if (b.status().equals("REBOOKED")) {
            error(exchange, 409, "ALREADY_REBOOKED", "订单 " + b.pnr() + " 已改签，不能退款");
            return;
        }
        Booking now = b.status().equals("REFUNDED") ? b : b.with("REFUNDED", b.segments(), b.options(), b.chosenOption(),
                "RF-" + b.pnr());
        bookings.put(b.pnr(), now);
        answer(exchange, 200, json(now));
    }

    private static List<Object> optionsOf(Booking b) {
        return b.status().equals("CANCELLED") || b.status().equals("CHANGED") ? new ArrayList<>(options(b.options())) : List.of();
    }

    static boolean samePhone(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        String x = a.replaceAll("[^0-9]", "");
        String y = b.replaceAll("[^0-9]", "");
        if (x.length() < 7 || y.length() < 7) {
            return x.equals(y);
        }
        // +8613800000001, 8613800000001 and 13800000001 are one phone
        return x.endsWith(y) || y.endsWith(x);
    }

    private static Map<String, Object> json(Booking b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pnr", b.pnr());
        m.put("status", b.status());
        List<Object> passengers = new ArrayList<>();
        for (Passenger p : b.passengers()) {
            Map<String, Object> pm = passenger(b.pnr(), p);
            pm.remove("pnr");
            passengers.add(pm);
        }
        m.put("passengers", passengers);
        List<Object> segments = new ArrayList<>();
        for (Segment s : b.segments()) {
            Map<String, Object> sm = new LinkedHashMap<>();
            sm.put("flight", s.flight());
            sm.put("date", s.date());
            sm.put("from", s.from());
            sm.put("to", s.to());
            sm.put("departs", s.departs());
            segments.add(sm);
        }
        m.put("segments", segments);
        m.put("chosenOption", b.chosenOption());
        m.put("refundId", b.refundId());
        return m;
    }

    // ---- the control API ----

    private void control(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String[] parts = exchange.getRequestURI().getPath().substring("/sandbox/".length()).split("/");
            String body = SandboxServer.body(exchange);
            Map<String, Object> in = body.isBlank() ? Map.of() : Json.parseObject(body);
            String route = method + " " + parts[0] + "/" + parts.length;
            switch (route) {
                case "POST bookings/1" -> {
                    Booking b = bookingOf(in);
                    booking(b);
                    answer(exchange, 201, json(b));
                }
                case "POST flights/4" -> {
                    if (!parts[3].equals("cancel")) {
                        error(exchange, 404, "NOT_FOUND", "POST /sandbox/flights/{flight}/{date}/cancel");
                        return;
                    }
                    String id = cancelFlight(parts[1], parts[2], optionList(in.get("options")), text(in, "reason"));
                    answer(exchange, 202, Map.of("eventId", id));
                }
                case "POST bookings/3" -> {
                    if (!parts[2].equals("change")) {
                        error(exchange, 404, "NOT_FOUND", "POST /sandbox/bookings/{pnr}/change");
                        return;
                    }
                    if (!bookings.containsKey(parts[1])) {
                        error(exchange, 404, "PNR_NOT_FOUND", "no booking " + parts[1]);
                        return;
                    }
                    String id = changeBooking(parts[1], text(in, "flight"), text(in, "date"), text(in, "departs"),
                            text(in, "change"), optionList(in.get("options")));
                    answer(exchange, 202, Map.of("eventId", id));
                }
                case "GET bookings/2" -> {
                    Booking b = bookings.get(parts[1]);
                    if (b == null) {
                        error(exchange, 404, "PNR_NOT_FOUND", "no booking " + parts[1]);
                    } else {
                        answer(exchange, 200, json(b));
                    }
                }
                case "POST webhook/1" -> {
                    webhook(text(in, "url"), text(in, "secret"));
                    answer(exchange, 200, Map.of("url", String.valueOf(webhookUrl)));
                }
                case "GET deliveries/1" -> {
                    List<Object> log = new ArrayList<>();
                    for (Delivery d : deliveries) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("eventId", d.eventId());
                        m.put("type", d.type());
                        m.put("attempt", d.attempt());
                        m.put("status", d.status());
                        m.put("error", d.error());
                        m.put("at", d.at().toString());
                        m.put("url", d.url());
                        log.add(m);
                    }
                    answer(exchange, 200, log);
                }
                case "POST events/3" -> {
                    if (!parts[2].equals("redeliver") || !events.containsKey(parts[1])) {
                        error(exchange, 404, "NOT_FOUND", "POST /sandbox/events/{eventId}/redeliver for an event sent before");
                        return;
                    }
                    redeliver(parts[1]);
                    answer(exchange, 202, Map.of("eventId", parts[1]));
                }
                case "POST outage/1" -> {
                    Object status = in.get("status");
                    failWith(status == null ? 503 : ((Number) status).intValue());
                    answer(exchange, 200, Map.of("status", failWith));
                }
                default -> error(exchange, 404, "NOT_FOUND", "no control call " + method + " " + exchange.getRequestURI().getPath());
            }
        } catch (IllegalArgumentException | NullPointerException | ClassCastException e) {
            error(exchange, 400, "BAD_REQUEST", String.valueOf(e.getMessage()));
        } catch (RuntimeException e) {
            error(exchange, 500, "INTERNAL", "sandbox failed: " + e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Booking bookingOf(Map<String, Object> in) {
        List<Passenger> passengers = new ArrayList<>();
        for (Object o : (List<Object>) in.getOrDefault("passengers", List.of())) {
            Map<String, Object> p = (Map<String, Object>) o;
            passengers.add(new Passenger(text(p, "name"), text(p, "phone"), text(p, "email"), text(p, "preferredChannel")));
        }
        List<Segment> segments = new ArrayList<>();
        for (Object o : (List<Object>) in.getOrDefault("segments", List.of())) {
            Map<String, Object> s = (Map<String, Object>) o;
            segments.add(new Segment(text(s, "flight"), text(s, "date"), text(s, "from"), text(s, "to"), text(s, "departs")));
        }
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("a booking needs at least one segment");
        }
        return new Booking(text(in, "pnr"), text(in, "status"), passengers, segments, List.of(), null, null);
    }

    @SuppressWarnings("unchecked")
    private static List<Option> optionList(Object value) {
        if (value == null) {
            return null;
        }
        List<Option> options = new ArrayList<>();
        for (Object o : (List<Object>) value) {
            Map<String, Object> m = (Map<String, Object>) o;
            options.add(new Option(text(m, "id"), text(m, "text"), text(m, "flight"), text(m, "date"), text(m, "departs")));
        }
        return options;
    }

    private static String text(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v == null ? null : v.toString();
    }

    private static String query(HttpExchange exchange, String name) {
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null) {
            return null;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", code);
        m.put("message", message);
        answer(exchange, status, m);
    }

    /** Unknown members (a passenger without an e-mail) are left out, not sent as null, as the airline's API does. */
    private static void answer(HttpExchange exchange, int status, Object body) throws IOException {
        SandboxServer.send(exchange, status, SandboxServer.JSON, Json.writeWithoutNulls(body));
    }
}
