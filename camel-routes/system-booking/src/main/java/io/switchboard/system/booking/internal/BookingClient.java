package io.switchboard.system.booking.internal;

import io.switchboard.api.CanonicalJson;
import io.switchboard.systems.SystemFault;
import io.switchboard.systems.SystemUnreachable;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The booking system's REST API ({@code docs/systems/booking.md}) on the JDK's HTTP client: JSON,
 * an API key in {@code X-Api-Key}. What the system answers with a 4xx is its answer (a
 * {@link SystemFault} with its error code); a refused connection, a timeout, a 5xx, a 408 or a 429
 * mean it could not answer now ({@link SystemUnreachable}).
 */
public final class BookingClient {

    static final String API_KEY_HEADER = "X-Api-Key";

    public record Settings(URI endpoint, String apiKey, Duration connectTimeout, Duration callTimeout) {
    }

    public record Passenger(String name, String phone, String email, String preferredChannel) {
    }

    public record Segment(String flight, String date, String from, String to, String departs) {
    }

    public record Booking(String pnr, String status, List<Passenger> passengers, List<Segment> segments,
                          String chosenOption, String refundId) {
    }

    public record Option(String id, String text) {
    }

    public record Options(String pnr, String status, List<Option> options) {
    }

    public record Found(List<Booking> bookings) {
    }

    /** The system's error body. */
    public record Refusal(String error, String message) {
    }

    private final Settings settings;
    private final HttpClient http;
    private final CanonicalJson json;

    BookingClient(Settings settings, CanonicalJson json) {
        this.settings = settings;
        this.json = json;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(settings.connectTimeout()).build();
    }

    Settings settings() {
        return settings;
    }

    Booking booking(String pnr) throws SystemFault, SystemUnreachable {
        return call("GET", "/bookings/" + path(pnr), null, Booking.class);
    }

    Found byPhone(String phone) throws SystemFault, SystemUnreachable {
        return call("GET", "/bookings?phone=" + URLEncoder.encode(phone, StandardCharsets.UTF_8), null, Found.class);
    }

    Options options(String pnr) throws SystemFault, SystemUnreachable {
        return call("GET", "/bookings/" + path(pnr) + "/options", null, Options.class);
    }

    Booking rebook(String pnr, String optionId) throws SystemFault, SystemUnreachable {
        return call("POST", "/bookings/" + path(pnr) + "/rebook", json.toJson(Map.of("optionId", optionId)), Booking.class);
    }

    Booking refund(String pnr) throws SystemFault, SystemUnreachable {
        return call("POST", "/bookings/" + path(pnr) + "/refund", "{}", Booking.class);
    }

    private <T> T call(String method, String path, String body, Class<T> type) throws SystemFault, SystemUnreachable {
        URI uri = URI.create(settings.endpoint().toString().replaceAll("/+$", "") + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(settings.callTimeout())
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", "application/json; charset=utf-8");
        }
        if (settings.apiKey() != null && !settings.apiKey().isBlank()) {
            request.header(API_KEY_HEADER, settings.apiKey());
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw new SystemUnreachable("no answer from " + uri + " within " + settings.callTimeout().toSeconds() + " s", e);
        } catch (IOException e) {
            throw new SystemUnreachable("cannot reach " + settings.endpoint() + ": " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SystemUnreachable("interrupted while calling " + uri, e);
        }
        return answer(method + " " + path, response.statusCode(), response.body(), type);
    }

    <T> T answer(String call, int status, String body, Class<T> type) throws SystemFault, SystemUnreachable {
        if (status == 408 || status == 429 || status >= 500 || status < 200) {
            throw new SystemUnreachable("HTTP " + status + " from " + call);
        }
        if (status >= 400) {
            Refusal refusal = null;
            try {
                refusal = json.fromJson(body, Refusal.class);
            } catch (IllegalArgumentException notJson) {
                // a gateway's page: the status is all there is
            }
            String code = refusal != null && refusal.error() != null ? refusal.error() : "HTTP " + status;
            String message = refusal != null && refusal.message() != null ? refusal.message() : "HTTP " + status + " for " + call;
            throw new SystemFault(code, message);
        }
        if (status >= 300) {
            throw new SystemUnreachable("HTTP " + status + " from " + call + ": the endpoint has moved");
        }
        try {
            return json.fromJson(body, type);
        } catch (IllegalArgumentException e) {
            throw new SystemUnreachable("the answer to " + call + " breaks the contract: " + e.getMessage(), e);
        }
    }

    private static String path(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String describe(IOException e) {
        if (e instanceof java.net.ConnectException) {
            return "connection refused";
        }
        String message = e.getMessage();
        if (message == null && e.getCause() != null) {
            message = e.getCause().toString();
        }
        return e.getClass().getSimpleName() + (message == null ? "" : " " + message);
    }
}
