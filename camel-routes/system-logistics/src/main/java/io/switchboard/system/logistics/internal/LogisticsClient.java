package io.switchboard.system.logistics.internal;

import io.switchboard.api.CanonicalJson;
import io.switchboard.systems.SystemFault;
import io.switchboard.systems.SystemUnreachable;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The courier company's pickup API (the sandbox's contract, docs/systems/logistics.md) over the
 * JDK's HTTP client: JSON in and out, {@code Authorization: Bearer <apiKey>}.
 *
 * <p>What an answer means for the request: a 2xx is the answer; any other 4xx is the courier
 * saying no (a {@link SystemFault} with its {@code code} and {@code message}, shown to the agent);
 * 408, 429, 5xx, a refused connection, a timeout or a 2xx that is not the contract's JSON mean the
 * courier could not be asked, so the request is held and asked again ({@link SystemUnreachable}).
 */
final class LogisticsClient {

    record Settings(URI endpoint, String apiKey, Duration connectTimeout, Duration callTimeout) {
    }

    private final Settings settings;
    private final HttpClient http;
    private final CanonicalJson json;

    LogisticsClient(Settings settings, CanonicalJson json) {
        this.settings = settings;
        this.json = json;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout()).build();
    }

    Settings settings() {
        return settings;
    }

    Map<String, Object> post(String path, Map<String, Object> body) throws SystemFault, SystemUnreachable {
        return send(request(path).header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(json.toJson(body), StandardCharsets.UTF_8)).build());
    }

    Map<String, Object> get(String path) throws SystemFault, SystemUnreachable {
        return send(request(path).GET().build());
    }

    /**
     * A configuration the HTTP client cannot use (an API key that is no valid header value, an
     * endpoint that is no URL) holds the request like an outage: once the operator fixes the
     * file, the held requests go through; answering them FAULT would lose them for a typo.
     */
    private HttpRequest.Builder request(String path) throws SystemUnreachable {
        try {
            return builder(path);
        } catch (IllegalArgumentException e) {
            throw new SystemUnreachable("etc/io.switchboard.system.logistics.cfg cannot be used: " + e.getMessage()
                    + " (endpoint must be an http(s) URL, apiKey printable ASCII)", e);
        }
    }

    private HttpRequest.Builder builder(String path) {
        String base = settings.endpoint().toString();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
                        + path))
                .timeout(settings.callTimeout())
                .header("Accept", "application/json");
        if (settings.apiKey() != null && !settings.apiKey().isBlank()) {
            b.header("Authorization", "Bearer " + settings.apiKey().strip());
        }
        return b;
    }

    private Map<String, Object> send(HttpRequest request) throws SystemFault, SystemUnreachable {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw new SystemUnreachable("no answer from " + request.uri() + " within " + settings.callTimeout().toSeconds() + " s", e);
        } catch (ConnectException e) {
            throw new SystemUnreachable("cannot reach " + request.uri() + ": connection refused", e);
        } catch (IOException e) {
            throw new SystemUnreachable("cannot reach " + request.uri() + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SystemUnreachable("interrupted while calling " + request.uri(), e);
        } catch (IllegalArgumentException e) {
            throw new SystemUnreachable("etc/io.switchboard.system.logistics.cfg cannot be used: " + e.getMessage(), e);
        }
        return answer(response.statusCode(), response.body());
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> answer(int status, byte[] body) throws SystemFault, SystemUnreachable {
        Map<String, Object> object = null;
        try {
            object = json.fromJson(new String(body, StandardCharsets.UTF_8), Map.class);
        } catch (RuntimeException notJson) {
            // an HTML error page or worse: judged by the status below (JSON-P's parse errors are not always wrapped)
        }
        if (status >= 200 && status < 300) {
            if (object == null) {
                throw new SystemUnreachable("HTTP " + status + " without the contract's JSON object");
            }
            return object;
        }
        if (status >= 400 && status < 500 && status != 408 && status != 429) {
            String code = object != null && object.get("code") != null ? String.valueOf(object.get("code")) : "HTTP " + status;
            String message = object != null && object.get("message") != null ? String.valueOf(object.get("message"))
                    : "the courier company answered HTTP " + status;
            throw new SystemFault(code, message);
        }
        throw new SystemUnreachable("HTTP " + status + " from the courier company");
    }
}
