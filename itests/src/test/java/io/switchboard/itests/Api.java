package io.switchboard.itests;

import io.switchboard.testkit.TestServer;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.qpid.jms.JmsConnectionFactory;

/**
 * The calls of the core's tests: any method, as any user, and a channel's message put on the bus
 * exactly as a channel plugin would.
 */
final class Api {

    record Reply(int status, String body) {
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

    Api(TestServer server) {
        this.server = server;
    }

    String admin() {
        return server.basicAuth();
    }

    Reply call(String method, String path, String json, String authorization) {
        return call(method, path, json, "application/json", authorization);
    }

    /** As {@link #call(String, String, String, String)}, with a body of another media type. */
    Reply call(String method, String path, String body, String mediaType, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.url(path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            b.header("Content-Type", mediaType + "; charset=UTF-8");
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Reply(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The call must answer {@code status}; its body is returned. */
    Reply expect(int status, String method, String path, String json, String authorization) {
        Reply r = call(method, path, json, authorization);
        if (r.status() != status) {
            throw new AssertionError(method + " " + path + ": expected " + status + ", got " + r.status() + " " + r.body());
        }
        return r;
    }

    /** Puts an inbound message on {@code sb.inbound} as the channel {@code channel} would. */
    void channelSays(String channel, String address, String text, String password) {
        String id = UUID.randomUUID().toString();
        String message = Json.createObjectBuilder()
                .add("id", id).add("channelMessageId", "it-" + id).add("direction", "INBOUND")
                .add("address", Json.createObjectBuilder().add("channel", channel).add("address", address))
                .add("time", Instant.now().toString())
                .add("parts", Json.createArrayBuilder().add(Json.createObjectBuilder().add("kind", "TEXT").add("text", text)))
                .add("headers", JsonValue.EMPTY_JSON_OBJECT).build().toString();
        JmsConnectionFactory factory = new JmsConnectionFactory(TestServer.ADMIN, password, server.busUrl());
        try (Connection c = factory.createConnection(); Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
             MessageProducer p = s.createProducer(s.createQueue("sb.inbound"))) {
            TextMessage m = s.createTextMessage(message);
            m.setStringProperty("_AMQ_DUPL_ID", channel + ":it-" + id);
            m.setStringProperty("JMSXGroupID", channel + ":" + address);
            m.setStringProperty("sbPayloadType", "Message");
            p.send(m);
        } catch (jakarta.jms.JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The content of a file in {@code dir} that contains {@code text}, once a route has written one; null until then. */
    static String fileContaining(java.nio.file.Path dir, String text) {
        if (!java.nio.file.Files.isDirectory(dir)) {
            return null;
        }
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(dir)) {
            for (java.nio.file.Path f : files.toList()) {
                String content = java.nio.file.Files.readString(f, StandardCharsets.UTF_8);
                if (content.contains(text)) {
                    return content;
                }
            }
            return null;
        } catch (IOException e) {
            // a file the route is still writing, or the directory not yet there: looked at again
            return null;
        }
    }

    static <T> T await(String what, Duration timeout, Supplier<T> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            T value = probe.get();
            if (value != null && !Boolean.FALSE.equals(value)) {
                return value;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
    }
}
