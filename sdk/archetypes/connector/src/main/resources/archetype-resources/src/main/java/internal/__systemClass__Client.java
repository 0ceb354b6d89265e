package ${package}.internal;

import io.switchboard.api.CanonicalJson;
import io.switchboard.systems.SystemFault;
import io.switchboard.systems.SystemUnreachable;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ${systemClass}'s REST API, one call at a time. What the system says no to is a {@link SystemFault}
 * (answered, never retried); what keeps it from answering (refused, timed out, 5xx, 429, an answer
 * that cannot be read) is {@link SystemUnreachable} (asked again later).
 */
final class ${systemClass}Client {

    record Settings(URI endpoint, String apiKey, Duration connectTimeout, Duration callTimeout) {
    }

    /** A fault's text is read by a person on the timeline: enough to say why, not the whole page. */
    private static final int MAX_FAULT_TEXT = 300;

    private final Settings settings;
    private final CanonicalJson json;
    private final HttpClient http;

    ${systemClass}Client(Settings settings, CanonicalJson json) {
        this.settings = settings;
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(settings.connectTimeout()).build();
    }

    /** {@code GET <endpoint>/records/<id>}: the record's fields as flat data. */
    Map<String, String> record(String id) throws SystemFault, SystemUnreachable, InterruptedException {
        String base = settings.endpoint().toString().replaceAll("/+$", "");
        URI uri = URI.create(base + "/records/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20"));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(settings.callTimeout())
                .header("Accept", "application/json").GET();
        if (settings.apiKey() != null && !settings.apiKey().isBlank()) {
            request.header("Authorization", "Bearer " + settings.apiKey());
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SystemUnreachable("${system} did not answer " + uri + ": " + e, e);
        }
        int status = response.statusCode();
        if (status >= 500 || status == 429 || status == 408) {
            throw new SystemUnreachable("${system} answered HTTP " + status);
        }
        if (status == 404) {
            throw new SystemFault("NOT_FOUND", "${system} has no record " + id);
        }
        if (status >= 400) {
            throw new SystemFault(Integer.toString(status), shorten(response.body()));
        }
        Map<?, ?> record;
        try {
            record = json.fromJson(response.body(), Map.class);
        } catch (IllegalArgumentException e) {
            // a proxy's error page in place of the API: the system is not really there
            throw new SystemUnreachable("${system}'s answer is not a JSON object: " + e.getMessage(), e);
        }
        Map<String, String> data = new LinkedHashMap<>();
        for (Map.Entry<?, ?> field : record.entrySet()) {
            Object value = field.getValue();
            if (value != null) {
                // request and reply data are flat strings; a nested value travels as its JSON
                data.put(String.valueOf(field.getKey()), value instanceof Map || value instanceof Iterable
                        ? json.toJson(value) : value.toString());
            }
        }
        return data;
    }

    private static String shorten(String text) {
        String t = text == null ? "" : text.strip();
        return t.length() > MAX_FAULT_TEXT ? t.substring(0, MAX_FAULT_TEXT) + "…" : t;
    }
}
