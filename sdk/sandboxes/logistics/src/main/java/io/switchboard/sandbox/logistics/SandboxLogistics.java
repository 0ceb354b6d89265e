package io.switchboard.sandbox.logistics;

import com.sun.net.httpserver.HttpExchange;
import io.switchboard.sandbox.support.Json;
import io.switchboard.sandbox.support.SandboxServer;
import io.switchboard.sandbox.support.Signatures;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A courier company's pickup API as far as Switchboard can tell, on the JDK's HTTP server at
 * {@code http://127.0.0.1:<port>/api/v1}. This is the contract the logistics connector speaks
 * (docs/systems/logistics.md): a pickup is booked by our reference, which is its idempotency key,
 * tracked by the courier's tracking number and cancelled; every step of a pickup is called back to
 * the pickup's {@code callbackUrl} as JSON signed with HMAC-SHA256, and, like a real provider, the
 * sandbox keeps calling back with a doubling pause until it gets a 2xx.
 *
 * <p>The control API under {@code /sandbox} (and the same methods in Java) advances pickups, shows
 * the callback delivery log and the API calls received, sets the API key, the callback secret and
 * the default callback URL, and plays outages: {@link #failWith(int)} answers the API with an HTTP
 * error page, {@link #hang(Duration)} keeps the caller waiting, {@link #stop()} closes the port.
 */
public final class SandboxLogistics extends SandboxServer {

    public static final String API = "/api/v1";
    public static final String CONTROL = "/sandbox";
    public static final String TIMESTAMP = "X-Logistics-Timestamp";
    public static final String SIGNATURE = "X-Logistics-Signature";
    public static final List<String> VEHICLES = List.of("bike", "car", "van");
    public static final List<String> PACKAGING = List.of("none", "standard-bag", "large-bag");
    public static final List<String> EVENTS = List.of("picked_up", "delayed", "delivered", "cancelled");
    /** What each vehicle carries: kilograms, and the longest side in centimetres. */
    static final Map<String, int[]> CAPACITY = Map.of("bike", new int[] {10, 60}, "car", new int[] {100, 150},
            "van", new int[] {800, 300});
    static final Pattern SIZE = Pattern.compile("(\\d{1,4}(?:\\.\\d+)?)[x×X*](\\d{1,4}(?:\\.\\d+)?)[x×X*](\\d{1,4}(?:\\.\\d+)?)");
    static final Pattern TRACKING = Pattern.compile("[A-Za-z0-9-]{1,64}");
    static final String[] TEXT_FIELDS = {"name", "phone", "address", "window", "description", "requirements"};

    /** One attempt to deliver a callback: {@code status} is the HTTP status it got, 0 if none (refused, timed out). */
    public record Delivery(String eventId, String event, String trackingNumber, String url, int attempt, int status,
                           String error, Instant at) {
        public boolean delivered() {
            return status >= 200 && status < 300;
        }
    }

    /** One call of the courier API as the sandbox saw it, with the status it answered. */
    public record Call(String method, String path, int status, String reference, Instant at) {
    }

    private final Map<String, Pickup> pickups = new ConcurrentHashMap<>();
    private final Map<String, String> byReference = new ConcurrentHashMap<>();
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final AtomicLong sequence = new AtomicLong(100_000_000L);
    private final ScheduledExecutorService callbacks = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "sandbox-logistics-callbacks");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private volatile String apiKey = "sandbox-key";
    private volatile String callbackSecret = "sandbox-callback-secret-0123456789abcdef";
    private volatile String defaultCallbackUrl;
    private volatile int failWith;
    private volatile Instant hangUntil = Instant.MIN;
    private volatile Duration retryFirst = Duration.ofSeconds(1);
    private volatile Duration retryMax = Duration.ofSeconds(60);
    private volatile int maxAttempts = 30;

    private SandboxLogistics(int port) {
        super("sandbox-logistics", port);
        context(API + "/", this::api);
        context(CONTROL, this::control);
    }

    /** Starts it on {@code port} (0: a free one, which it then keeps across {@link #stop()} and {@link #start()}). */
    public static SandboxLogistics start(int port) {
        SandboxLogistics logistics = new SandboxLogistics(port);
        logistics.start();
        return logistics;
    }

    /** {@link #stop()} keeps the pickups and goes on calling back; closing also ends the callbacks. */
    @Override
    public void close() {
        super.close();
        callbacks.shutdownNow();
    }

    /** The API's base, what the connector's {@code endpoint} is set to. */
    @Override
    public String url() {
        return super.url() + API;
    }

    /** The control API's base. */
    public String controlUrl() {
        return super.url() + CONTROL;
    }

    public String apiKey() {
        return apiKey;
    }

    public SandboxLogistics apiKey(String key) {
        this.apiKey = key;
        return this;
    }

    public String callbackSecret() {
        return callbackSecret;
    }

    /** Signs every callback attempt from now on, retries of earlier events included. */
    public SandboxLogistics callbackSecret(String secret) {
        this.callbackSecret = secret;
        return this;
    }

    /** Where callbacks of pickups booked without a {@code callbackUrl} go (null: nowhere). */
    public SandboxLogistics defaultCallbackUrl(String url) {
        this.defaultCallbackUrl = url;
        return this;
    }

    /** The pause before the second attempt, doubled after each failure up to {@code max}; at most {@code attempts} attempts. */
    public SandboxLogistics callbackRetry(Duration first, Duration max, int attempts) {
        this.retryFirst = first;
        this.retryMax = max;
        this.maxAttempts = Math.max(1, attempts);
        return this;
    }

    /** Every API call is answered with this HTTP status and an HTML page, as a broken gateway does (0: answer normally). */
    public void failWith(int httpStatus) {
        this.failWith = httpStatus;
    }

    /** Every API call waits this long before it is answered (a client's timeout); {@code Duration.ZERO} ends it. */
    public void hang(Duration duration) {
        this.hangUntil = duration == null || duration.isZero() ? Instant.MIN : Instant.now().plus(duration);
    }

    /** The callback delivery log, every attempt in order. */
    public List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    /** The courier API calls received, in order, with what they were answered. */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** A pickup as {@code GET /api/v1/pickups/{trackingNumber}} shows it. */
    public Optional<Map<String, Object>> pickup(String trackingNumber) {
        Pickup p = pickups.get(trackingNumber);
        return p == null ? Optional.empty() : Optional.of(p.view());
    }

    /** Every pickup received, oldest first. */
    public List<Map<String, Object>> pickups() {
        return pickups.values().stream().sorted((a, b) -> a.trackingNumber.compareTo(b.trackingNumber))
                .map(Pickup::view).toList();
    }

    /**
     * The courier reports a step of a pickup: it is recorded and called back.
     *
     * @return the event as called back (with its {@code eventId})
     * @throws IllegalArgumentException for an unknown event
     * @throws IllegalStateException when the pickup is unknown or already delivered or cancelled
     */
    public Map<String, Object> advance(String trackingNumber, String event, String eta, String reason, String courier) {
        if (!EVENTS.contains(event)) {
            throw new IllegalArgumentException("event is one of " + EVENTS + ", not " + event);
        }
        Pickup p = pickups.get(trackingNumber);
        if (p == null) {
            throw new IllegalStateException("no pickup " + trackingNumber);
        }
        Map<String, Object> e = p.record(event, eta, reason, courier);
        deliver(p, e);
        return e;
    }

    /** The signature a receiver must find in {@link #SIGNATURE}: HMAC-SHA256 over {@code timestamp + "." + body}. */
    public static String sign(String secret, String timestamp, byte[] body) {
        return Signatures.hmacSha256(secret, timestamp, body);
    }

    // ---- the courier API ------------------------------------------------------------------------

    private void api(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            byte[] body = exchange.getRequestBody().readAllBytes();
            waitWhileHanging();
            if (failWith != 0) {
                int status = failWith;
                calls.add(new Call(method, path, status, null, Instant.now()));
                SandboxServer.errorPage(exchange, status);
                return;
            }
            Answer answer = answer(exchange, method, path, body);
            calls.add(new Call(method, path, answer.status, answer.reference, Instant.now()));
            SandboxServer.json(exchange, answer.status, answer.body);
        } catch (RuntimeException e) {
            SandboxServer.json(exchange, 500, error("internal", "sandbox failed: " + e));
        }
    }

    private record Answer(int status, Object body, String reference) {
    }

    private Answer answer(HttpExchange exchange, String method, String path, byte[] body) {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.equals("Bearer " + apiKey)) {
            return new Answer(401, error("unauthorized", "Authorization: Bearer <apiKey> is missing or wrong"), null);
        }
        String rest = path.substring(API.length());
        if ("POST".equals(method) && (rest.equals("/pickups") || rest.equals("/pickups/"))) {
            return create(exchange, body);
        }
        Matcher m = Pattern.compile("/pickups/([^/]+)(/cancel)?/?").matcher(rest);
        if (!m.matches()) {
            return new Answer(404, error("not_found", "no such resource: " + method + " " + path), null);
        }
        Pickup p = pickups.get(m.group(1));
        if (m.group(2) == null && "GET".equals(method)) {
            return p == null ? new Answer(404, error("not_found", "no pickup " + m.group(1)), null)
                    : new Answer(200, p.view(), p.reference);
        }
        if (m.group(2) != null && "POST".equals(method)) {
            if (p == null) {
                return new Answer(404, error("not_found", "no pickup " + m.group(1)), null);
            }
            return cancel(p, body);
        }
        return new Answer(405, error("method_not_allowed", method + " is not allowed on " + path), null);
    }

    private Answer create(HttpExchange exchange, byte[] body) {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase().startsWith("application/json")) {
            return new Answer(415, error("unsupported_media_type", "send application/json, not " + type), null);
        }
        Map<String, Object> in;
        try {
            in = Json.parseObject(new String(body, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return new Answer(400, error("invalid_json", e.getMessage()), null);
        }
        Object reference = in.get("reference");
        if (!(reference instanceof String r) || r.isBlank() || r.length() > 64) {
            return new Answer(400, error("missing_field", "reference is required (1-64 characters)"), null);
        }
        synchronized (this) {
            String known = byReference.get(r);
            if (known != null) {
                // the reference is the idempotency key: a repeat is the pickup booked the first time
                return new Answer(200, pickups.get(known).view(), r);
            }
            Pickup p;
            try {
                p = validated(r, in);
            } catch (Invalid e) {
                return new Answer(400, error(e.code, e.getMessage()), r);
            }
            pickups.put(p.trackingNumber, p);
            byReference.put(r, p.trackingNumber);
            return new Answer(201, p.view(), r);
        }
    }

    private static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;
        final String code;

        Invalid(String code, String message) {
            super(message);
            this.code = code;
        }
    }

    private Pickup validated(String reference, Map<String, Object> in) throws Invalid {
        Map<String, String> text = new LinkedHashMap<>();
        for (String field : TEXT_FIELDS) {
            Object v = in.get(field);
            if (v != null && !(v instanceof String)) {
                throw new Invalid("invalid_field", field + " must be a string");
            }
            if (v != null && ((String) v).length() > 500) {
                throw new Invalid("invalid_field", field + " is longer than 500 characters");
            }
            if (v != null && !((String) v).isBlank()) {
                text.put(field, ((String) v).strip());
            }
        }
        if (!text.containsKey("address")) {
            throw new Invalid("missing_field", "address is required");
        }
        String vehicle = in.get("vehicle") == null ? "car" : String.valueOf(in.get("vehicle"));
        if (!VEHICLES.contains(vehicle)) {
            throw new Invalid("invalid_vehicle", "vehicle is one of " + String.join(", ", VEHICLES) + ", not " + vehicle);
        }
        String packaging = in.get("packaging") == null ? "none" : String.valueOf(in.get("packaging"));
        if (!PACKAGING.contains(packaging)) {
            throw new Invalid("invalid_packaging", "packaging is one of " + String.join(", ", PACKAGING) + ", not " + packaging);
        }
        int[] capacity = CAPACITY.get(vehicle);
        BigDecimal weight = null;
        Object w = in.get("weightKg");
        if (w != null) {
            try {
                weight = new BigDecimal(String.valueOf(w));
            } catch (NumberFormatException e) {
                throw new Invalid("invalid_weight", "weightKg must be a number of kilograms, not " + w);
            }
            if (weight.signum() <= 0) {
                throw new Invalid("invalid_weight", "weightKg must be above 0");
            }
            if (weight.compareTo(BigDecimal.valueOf(capacity[0])) > 0) {
                throw new Invalid("overweight", "a " + vehicle + " carries at most " + capacity[0] + " kg, not "
                        + weight.toPlainString() + " kg");
            }
        }
        String size = null;
        if (in.get("sizeCm") != null) {
            size = String.valueOf(in.get("sizeCm")).strip();
            Matcher m = SIZE.matcher(size);
            if (!m.matches()) {
                throw new Invalid("invalid_size", "sizeCm is LxWxH in centimetres, e.g. 60x40x40, not " + size);
            }
            for (int i = 1; i <= 3; i++) {
                if (new BigDecimal(m.group(i)).compareTo(BigDecimal.valueOf(capacity[1])) > 0) {
                    throw new Invalid("oversize", "a " + vehicle + " takes at most " + capacity[1] + " cm a side, not " + size);
                }
            }
        }
        String callbackUrl = null;
        if (in.get("callbackUrl") != null) {
            callbackUrl = String.valueOf(in.get("callbackUrl")).strip();
            if (!callbackUrl.startsWith("http://") && !callbackUrl.startsWith("https://")) {
                throw new Invalid("invalid_callback_url", "callbackUrl must be an http(s) URL");
            }
            try {
                URI.create(callbackUrl);
            } catch (IllegalArgumentException e) {
                throw new Invalid("invalid_callback_url", "callbackUrl is not a URL: " + e.getMessage());
            }
        }
        String tracking = "LG" + sequence.incrementAndGet();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        return new Pickup(tracking, reference, text, vehicle, packaging, weight, size, callbackUrl, now,
                now.plus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES).toString());
    }

    private Answer cancel(Pickup p, byte[] body) {
        String reason = null;
        if (body.length > 0) {
            try {
                Object r = Json.parseObject(new String(body, StandardCharsets.UTF_8)).get("reason");
                reason = r == null ? null : String.valueOf(r);
            } catch (IllegalArgumentException e) {
                return new Answer(400, error("invalid_json", e.getMessage()), p.reference);
            }
        }
        synchronized (p) {
            if ("cancelled".equals(p.status)) {
                return new Answer(200, p.view(), p.reference);
            }
            if ("delivered".equals(p.status)) {
                return new Answer(409, error("not_cancellable", "pickup " + p.trackingNumber + " is already delivered"),
                        p.reference);
            }
        }
        Map<String, Object> e = p.record("cancelled", null, reason, null);
        deliver(p, e);
        return new Answer(200, p.view(), p.reference);
    }

    private void waitWhileHanging() {
        while (Instant.now().isBefore(hangUntil)) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    // ---- callbacks ------------------------------------------------------------------------------

    private void deliver(Pickup p, Map<String, Object> event) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("eventId", event.get("eventId"));
        payload.put("event", event.get("event"));
        payload.put("trackingNumber", p.trackingNumber);
        payload.put("reference", p.reference);
        for (String key : List.of("eta", "reason", "courier", "at")) {
            if (event.get(key) != null) {
                payload.put(key, event.get(key));
            }
        }
        byte[] body = Json.write(payload).getBytes(StandardCharsets.UTF_8);
        attempt(p, event, body, 1, retryFirst);
    }

    private void attempt(Pickup p, Map<String, Object> event, byte[] body, int attempt, Duration pause) {
        String url = p.callbackUrl != null ? p.callbackUrl : defaultCallbackUrl;
        String eventId = (String) event.get("eventId");
        String name = (String) event.get("event");
        if (url == null) {
            deliveries.add(new Delivery(eventId, name, p.trackingNumber, null, attempt, 0, "no callback URL", Instant.now()));
            return;
        }
        callbacks.execute(() -> {
            String timestamp = Long.toString(Instant.now().getEpochSecond());
            int status = 0;
            String error = null;
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(10))
                                .header("Content-Type", "application/json; charset=utf-8")
                                .header(TIMESTAMP, timestamp)
                                .header(SIGNATURE, sign(callbackSecret, timestamp, body))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                        HttpResponse.BodyHandlers.discarding());
                status = response.statusCode();
            } catch (IOException | IllegalArgumentException e) {
                error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            Delivery d = new Delivery(eventId, name, p.trackingNumber, url, attempt, status, error, Instant.now());
            deliveries.add(d);
            if (!d.delivered() && attempt < maxAttempts && !callbacks.isShutdown()) {
                Duration next = pause.multipliedBy(2).compareTo(retryMax) > 0 ? retryMax : pause.multipliedBy(2);
                callbacks.schedule(() -> attempt(p, event, body, attempt + 1, next), pause.toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    // ---- the control API ------------------------------------------------------------------------

    private void control(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String rest = exchange.getRequestURI().getPath().substring(CONTROL.length());
            Map<String, Object> in = Map.of();
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (body.length > 0) {
                try {
                    in = Json.parseObject(new String(body, StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    SandboxServer.json(exchange, 400, error("invalid_json", e.getMessage()));
                    return;
                }
            }
            Object answer = control(method, rest, in);
            if (answer instanceof Answer a) {
                SandboxServer.json(exchange, a.status, a.body);
            } else {
                SandboxServer.json(exchange, 200, answer);
            }
        } catch (RuntimeException e) {
            SandboxServer.json(exchange, 500, error("internal", "sandbox failed: " + e));
        }
    }

    private Object control(String method, String rest, Map<String, Object> in) {
        boolean post = "POST".equals(method);
        if (rest.isEmpty() || rest.equals("/")) {
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("api", url());
            state.put("apiKey", apiKey);
            state.put("defaultCallbackUrl", defaultCallbackUrl);
            state.put("outage", failWith != 0 ? "unavailable " + failWith : Instant.now().isBefore(hangUntil) ? "hang" : "off");
            state.put("pickups", pickups.size());
            state.put("callbackAttempts", deliveries.size());
            return state;
        }
        if ("GET".equals(method) && rest.equals("/pickups")) {
            return pickups();
        }
        if ("GET".equals(method) && rest.equals("/callbacks")) {
            return deliveries.stream().map(SandboxLogistics::view).toList();
        }
        if ("GET".equals(method) && rest.equals("/requests")) {
            return calls.stream().map(SandboxLogistics::view).toList();
        }
        if (post && rest.equals("/callback-secret")) {
            callbackSecret(text(in, "secret"));
            return Map.of("secret", "set");
        }
        if (post && rest.equals("/callback-url")) {
            defaultCallbackUrl(text(in, "url"));
            return Map.of("url", String.valueOf(defaultCallbackUrl));
        }
        if (post && rest.equals("/api-key")) {
            apiKey(text(in, "apiKey"));
            return Map.of("apiKey", apiKey);
        }
        if (post && rest.equals("/outage")) {
            String mode = text(in, "mode");
            switch (mode == null ? "" : mode) {
                case "off" -> {
                    failWith(0);
                    hang(Duration.ZERO);
                }
                case "unavailable" -> failWith(in.get("status") == null ? 503 : Integer.parseInt(String.valueOf(in.get("status"))));
                case "hang" -> hang(Duration.ofSeconds(in.get("seconds") == null ? 300 : Long.parseLong(String.valueOf(in.get("seconds")))));
                default -> {
                    return new Answer(400, error("invalid_mode", "mode is off, unavailable (status, default 503) or hang (seconds, default 300)"), null);
                }
            }
            return Map.of("mode", mode);
        }
        Matcher m = Pattern.compile("/pickups/([^/]+)(/events)?/?").matcher(rest);
        if (m.matches() && m.group(2) == null && "GET".equals(method)) {
            return pickup(m.group(1)).map(p -> (Object) p)
                    .orElse(new Answer(404, error("not_found", "no pickup " + m.group(1)), null));
        }
        if (m.matches() && m.group(2) != null && post) {
            try {
                return advance(m.group(1), text(in, "event"), text(in, "eta"), text(in, "reason"), text(in, "courier"));
            } catch (IllegalArgumentException e) {
                return new Answer(400, error("invalid_event", e.getMessage()), null);
            } catch (IllegalStateException e) {
                return new Answer(pickups.containsKey(m.group(1)) ? 409 : 404,
                        error(pickups.containsKey(m.group(1)) ? "final" : "not_found", e.getMessage()), null);
            }
        }
        return new Answer(404, error("not_found", "control API: GET /sandbox, /sandbox/pickups[/{tracking}], /sandbox/callbacks,"
                + " /sandbox/requests; POST /sandbox/pickups/{tracking}/events, /sandbox/callback-secret, /sandbox/callback-url,"
                + " /sandbox/api-key, /sandbox/outage"), null);
    }

    private static Map<String, Object> view(Delivery d) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("eventId", d.eventId());
        v.put("event", d.event());
        v.put("trackingNumber", d.trackingNumber());
        v.put("url", d.url());
        v.put("attempt", d.attempt());
        v.put("status", d.status());
        if (d.error() != null) {
            v.put("error", d.error());
        }
        v.put("at", d.at().toString());
        return v;
    }

    private static Map<String, Object> view(Call c) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("method", c.method());
        v.put("path", c.path());
        v.put("status", c.status());
        if (c.reference() != null) {
            v.put("reference", c.reference());
        }
        v.put("at", c.at().toString());
        return v;
    }

    private static String text(Map<String, Object> in, String key) {
        Object v = in.get(key);
        return v == null || String.valueOf(v).isBlank() ? null : String.valueOf(v);
    }

    static Map<String, Object> error(String code, String message) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("code", code);
        e.put("message", message);
        return e;
    }

    /** One pickup; its fields after booking never change, its status, ETA and events do (under its own lock). */
    private static final class Pickup {
        final String trackingNumber;
        final String reference;
        final Map<String, String> text;
        final String vehicle;
        final String packaging;
        final BigDecimal weightKg;
        final String sizeCm;
        final String callbackUrl;
        final Instant createdAt;
        String status = "accepted";
        String eta;
        final List<Map<String, Object>> events = new ArrayList<>();

        Pickup(String trackingNumber, String reference, Map<String, String> text, String vehicle, String packaging,
               BigDecimal weightKg, String sizeCm, String callbackUrl, Instant createdAt, String eta) {
            this.trackingNumber = trackingNumber;
            this.reference = reference;
            this.text = text;
            this.vehicle = vehicle;
            this.packaging = packaging;
            this.weightKg = weightKg;
            this.sizeCm = sizeCm;
            this.callbackUrl = callbackUrl;
            this.createdAt = createdAt;
            this.eta = eta;
        }

        synchronized Map<String, Object> record(String event, String newEta, String reason, String courier) {
            if ("delivered".equals(status) || "cancelled".equals(status)) {
                throw new IllegalStateException("pickup " + trackingNumber + " is already " + status);
            }
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("eventId", "evt-" + UUID.randomUUID());
            e.put("event", event);
            if (newEta != null) {
                eta = newEta;
            }
            if (!"delivered".equals(event) && !"cancelled".equals(event) && eta != null) {
                e.put("eta", eta);
            }
            if (reason != null) {
                e.put("reason", reason);
            }
            if (courier != null) {
                e.put("courier", courier);
            }
            e.put("at", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
            events.add(e);
            status = event;
            return new LinkedHashMap<>(e);
        }

        synchronized Map<String, Object> view() {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("trackingNumber", trackingNumber);
            v.put("reference", reference);
            v.put("status", status);
            v.put("eta", eta);
            v.putAll(text);
            if (weightKg != null) {
                v.put("weightKg", weightKg);
            }
            if (sizeCm != null) {
                v.put("sizeCm", sizeCm);
            }
            v.put("vehicle", vehicle);
            v.put("packaging", packaging);
            if (callbackUrl != null) {
                v.put("callbackUrl", callbackUrl);
            }
            v.put("createdAt", createdAt.toString());
            List<Map<String, Object>> list = new ArrayList<>();
            for (Map<String, Object> e : events) {
                list.add(new LinkedHashMap<>(e));
            }
            v.put("events", list);
            return v;
        }
    }
}
