package io.switchboard.system.erp.internal;

import io.switchboard.api.CanonicalJson;
import io.switchboard.systems.SystemFault;
import io.switchboard.systems.SystemUnreachable;
import java.io.IOException;
import java.math.BigDecimal;
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
 * The ERP's REST API on the JDK's HTTP client, JSON through the platform's one binding. Answers are
 * read as plain maps rather than bound to classes, so an ERP that sends a total as a number instead
 * of a string, or adds fields of its own, is still understood.
 *
 * <p>What is an answer and what is an outage: 2xx is the answer; 4xx (but 408 and 429) is the ERP
 * saying no, a {@link SystemFault} with the ERP's own {@code code} and {@code message}; refused
 * connections, timeouts, 408, 429, 5xx and anything that is not the API's JSON (a gateway's page)
 * are {@link SystemUnreachable}, asked again.
 */
final class ErpClient {

    record Settings(URI endpoint, String apiKey, Duration connectTimeout, Duration callTimeout) {
    }

    private final Settings settings;
    private final CanonicalJson json;
    private final HttpClient http;

    ErpClient(Settings settings, CanonicalJson json) {
        this.settings = settings;
        this.json = json;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout()).build();
    }

    Settings settings() {
        return settings;
    }

    Map<String, Object> order(String number) throws SystemFault, SystemUnreachable {
        return call("GET", "/orders/" + segment(number), null);
    }

    List<Map<String, Object>> orders(String phone, String email) throws SystemFault, SystemUnreachable {
        String query = phone != null ? "customerPhone=" + URLEncoder.encode(phone, StandardCharsets.UTF_8)
                : "customerEmail=" + URLEncoder.encode(email, StandardCharsets.UTF_8);
        Object orders = call("GET", "/orders?" + query, null).get("orders");
        if (!(orders instanceof List<?> list)) {
            throw new SystemUnreachable("the ERP's answer to GET /orders has no orders list");
        }
        return list.stream().filter(Map.class::isInstance).map(ErpClient::object).toList();
    }

    Map<String, Object> stock(String sku) throws SystemFault, SystemUnreachable {
        return call("GET", "/stock/" + segment(sku), null);
    }

    /** {@code order} is the API's body: externalReference, customer, items, shippingAddress, note. */
    Map<String, Object> create(Map<String, Object> order) throws SystemFault, SystemUnreachable {
        return call("POST", "/orders", json.toJson(order));
    }

    private Map<String, Object> call(String method, String path, String body) throws SystemFault, SystemUnreachable {
        String base = settings.endpoint().toString();
        URI uri = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
        HttpResponse<String> response;
        try {
            response = http.send(request(uri, method, body), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            // a configuration the HTTP client refuses (a key with non-ASCII characters): held until an operator fixes it
            throw new SystemUnreachable("cannot call " + uri + " with this configuration: " + e.getMessage(), e);
        } catch (HttpTimeoutException e) {
            throw new SystemUnreachable("no answer from " + uri + " within " + settings.callTimeout().toSeconds() + " s", e);
        } catch (IOException e) {
            throw new SystemUnreachable("cannot reach " + uri + ": " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SystemUnreachable("interrupted while calling " + uri, e);
        }
        return answer(method + " " + path, response.statusCode(), response.body());
    }

    private HttpRequest request(URI uri, String method, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(settings.callTimeout())
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", "application/json; charset=utf-8");
        }
        if (settings.apiKey() != null && !settings.apiKey().isBlank()) {
            request.header("Authorization", "Bearer " + settings.apiKey().trim());
        }
        return request.build();
    }

    Map<String, Object> answer(String call, int status, String body) throws SystemFault, SystemUnreachable {
        Map<String, Object> parsed = parse(body);
        if (status >= 200 && status < 300) {
            if (parsed == null) {
                throw new SystemUnreachable("HTTP " + status + " to " + call + " without the API's JSON");
            }
            return parsed;
        }
        if (status >= 400 && status < 500 && status != 408 && status != 429) {
            String code = parsed == null ? null : text(parsed.get("code"));
            String message = parsed == null ? null : text(parsed.get("message"));
            if (code == null) {
                code = switch (status) {
                    case 401, 403 -> "UNAUTHORIZED";
                    case 404 -> "NOT_FOUND";
                    case 409 -> "CONFLICT";
                    default -> "BAD_REQUEST";
                };
            }
            throw new SystemFault(code, message == null ? "the ERP answered HTTP " + status + " to " + call : message);
        }
        throw new SystemUnreachable("HTTP " + status + " to " + call + (parsed == null ? "" : ": " + text(parsed.get("message"))));
    }

    /** @return the JSON object, or null if the body is not one */
    private Map<String, Object> parse(String body) {
        if (body == null || !body.trim().startsWith("{")) {
            return null;
        }
        try {
            return object(json.fromJson(body, Map.class));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object value) {
        return (Map<String, Object>) value;
    }

    /** A string, number or boolean as text; null for anything else. */
    static String text(Object value) {
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        return null;
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
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
