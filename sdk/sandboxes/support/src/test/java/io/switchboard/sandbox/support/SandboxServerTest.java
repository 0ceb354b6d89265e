package io.switchboard.sandbox.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SandboxServerTest {

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** The smallest sandbox: one echo, one outage page. */
    private static final class Echo extends SandboxServer {
        Echo() {
            super("sandbox-test", 0);
            context("/echo", x -> {
                try (x) {
                    json(x, 201, Map.of("你说", body(x)));
                }
            });
            context("/down", x -> {
                try (x) {
                    errorPage(x, 503);
                }
            });
        }
    }

    private final Echo server = new Echo();

    @AfterEach
    void stop() {
        server.stop();
    }

    private HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(server.url() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void answersJsonInUtf8() throws Exception {
        server.start();
        HttpResponse<String> r = post("/echo", "航班取消了");
        assertEquals(201, r.statusCode());
        assertEquals(SandboxServer.JSON, r.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("航班取消了", Json.parseObject(r.body()).get("你说"));
    }

    @Test
    void playsAGatewayErrorPage() throws Exception {
        server.start();
        HttpResponse<String> r = post("/down", "");
        assertEquals(503, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
    }

    @Test
    void comesBackOnTheSamePortAfterAnOutage() throws Exception {
        server.start();
        int port = server.port();
        assertTrue(port > 0);
        server.stop();
        assertFalse(server.running());
        assertThrows(ConnectException.class, () -> post("/echo", "x"));
        server.start();
        server.start();
        assertTrue(server.running());
        assertEquals(port, server.port());
        assertEquals(201, post("/echo", "回来了").statusCode());
    }

    @Test
    void pauseStopsWhenInterrupted() {
        assertTrue(SandboxServer.pause(Duration.ZERO));
        Thread.currentThread().interrupt();
        assertFalse(SandboxServer.pause(Duration.ofSeconds(5)));
        assertTrue(Thread.interrupted());
    }
}
