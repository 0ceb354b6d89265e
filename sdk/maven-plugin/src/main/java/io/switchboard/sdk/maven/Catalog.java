package io.switchboard.sdk.maven;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

/** A Switchboard server's plugin catalog, as far as publishing a KAR to it goes. */
final class Catalog {

    static final String KAR_TYPE = "application/vnd.switchboard.kar";

    private static final JsonProvider JSON = new org.eclipse.parsson.JsonProviderImpl();
    /** A refusal's text is shown in the build log; a server that answers with a whole page gets cut short. */
    private static final int SHOWN = 2000;

    private final URI plugins;
    private final String authorization;

    /** {@code catalog} is the catalog's base URI (…/switchboard/api/catalog); user null means no credentials. */
    Catalog(String catalog, String user, String password) {
        this.plugins = URI.create(catalog.replaceAll("/+$", "") + "/plugins");
        this.authorization = user == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8));
    }

    URI plugins() {
        return plugins;
    }

    /** The server's answer to a 2xx. */
    record Answer(int status, String body) {
    }

    /** Refused: not a 2xx; the message carries the problem's detail. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        private final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    Answer publish(Path kar) throws IOException, InterruptedException, Refused {
        HttpRequest.Builder request = HttpRequest.newBuilder(plugins)
                .timeout(Duration.ofMinutes(5))
                .header("Content-Type", KAR_TYPE)
                .header("Accept", "application/json, application/problem+json")
                .POST(HttpRequest.BodyPublishers.ofFile(kar));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(15)).build();
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() / 100 != 2) {
            throw new Refused(response.statusCode(), "The catalog at " + plugins + " refused the KAR: HTTP " + response.statusCode()
                    + ": " + detail(response.body()));
        }
        return new Answer(response.statusCode(), response.body());
    }

    /** problem+json's detail (else its title), or the body as it came. */
    static String detail(String body) {
        if (body == null || body.isBlank()) {
            return "(no body)";
        }
        try (JsonReader reader = JSON.createReader(new StringReader(body))) {
            JsonValue value = reader.readValue();
            if (value.getValueType() == JsonValue.ValueType.OBJECT) {
                JsonObject problem = value.asJsonObject();
                String detail = problem.getString("detail", null);
                String title = problem.getString("title", null);
                if (detail != null) {
                    return title != null ? title + ": " + detail : detail;
                }
                if (title != null) {
                    return title;
                }
            }
        } catch (JsonException | ClassCastException e) {
            // not problem+json: the body is all there is to show
        }
        return body.length() > SHOWN ? body.substring(0, SHOWN) + "…" : body;
    }
}
