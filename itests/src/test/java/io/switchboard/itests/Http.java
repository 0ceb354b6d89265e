package io.switchboard.itests;

import io.switchboard.testkit.TestServer;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;
import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;

/** The calls the tests make, as a widget, an agent's script and an operator would. */
final class Http {

    record Reply(int status, String contentType, String body, String location) {
        JsonObject json() {
            return (JsonObject) parse();
        }

        JsonArray array() {
            return (JsonArray) parse();
        }

        private JsonStructure parse() {
            try (var reader = Json.createReader(new StringReader(body))) {
                return reader.read();
            }
        }
    }

    private final TestServer server;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Http(TestServer server) {
        this.server = server;
    }

    Reply postJson(String path, String json, boolean asAdmin) {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.url(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        if (asAdmin) {
            b.header("Authorization", server.basicAuth());
        }
        return send(b.build());
    }

    Reply get(String path, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.url(path)).timeout(Duration.ofSeconds(30)).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return send(b.build());
    }

    Reply asAdmin(String path) {
        return get(path, server.basicAuth());
    }

    private Reply send(HttpRequest request) {
        try {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(),
                    r.headers().firstValue("Location").orElse(""));
        } catch (IOException e) {
            throw new IllegalStateException(request.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Where event streams are read. Not the common pool: it has one thread on two cores, and a stream
     * read there blocks every other. Not the caller: a response that is already there when the
     * reader is attached would be read on the caller's thread, forever.
     */
    static final ExecutorService STREAMS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "it-event-stream");
        t.setDaemon(true);
        return t;
    });

    /** Opens the visitor's event stream; each {@code data:} line lands in the queue. */
    BlockingQueue<String> stream(String visitorId) {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        HttpRequest request = HttpRequest.newBuilder(server.url("/switchboard/api/webchat/stream?visitorId=" + visitorId))
                .header("Accept", "text/event-stream").GET().build();
        client.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).thenAcceptAsync(r -> {
            if (r.statusCode() != 200) {
                events.add("HTTP " + r.statusCode());
                return;
            }
            r.body().filter(line -> line.startsWith("data:")).forEach(line -> events.add(line.substring(5).strip()));
        }, STREAMS);
        return events;
    }
}
