package io.switchboard.sdk.maven;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publishing against a stand-in catalog on a free port, which records what it was sent and answers as told. */
class CatalogTest {

    @TempDir
    Path dir;
    private HttpServer server;
    private final AtomicReference<HttpExchange> received = new AtomicReference<>();
    private final AtomicReference<byte[]> body = new AtomicReference<>();
    private volatile int status = 201;
    private volatile String contentType = "application/json";
    private volatile String answer = "{\"id\":\"acme-channel\",\"version\":\"1.0.1\"}";

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            received.set(exchange);
            body.set(exchange.getRequestBody().readAllBytes());
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", contentType);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/switchboard/api/catalog/";
    }

    @Test
    void postsTheKarWithItsTypeAndCredentials() throws Exception {
        Path kar = Files.write(dir.resolve("acme.kar"), new byte[] {'P', 'K', 3, 4, 0, (byte) 0xff});
        Catalog.Answer result = new Catalog(base(), "admin", "密码").publish(kar);
        assertEquals(201, result.status());
        assertEquals(answer, result.body());
        HttpExchange exchange = received.get();
        assertEquals("POST", exchange.getRequestMethod());
        assertEquals("/switchboard/api/catalog/plugins", exchange.getRequestURI().getPath());
        assertEquals("application/vnd.switchboard.kar", exchange.getRequestHeaders().getFirst("Content-Type"));
        assertEquals("Basic " + Base64.getEncoder().encodeToString("admin:密码".getBytes(StandardCharsets.UTF_8)),
                exchange.getRequestHeaders().getFirst("Authorization"));
        assertArrayEquals(Files.readAllBytes(kar), body.get());
    }

    @Test
    void aRefusalCarriesTheProblemDetail() throws Exception {
        status = 422;
        contentType = "application/problem+json";
        answer = "{\"type\":\"about:blank\",\"title\":\"Unprocessable\",\"status\":422,\"detail\":\"not signed by a trusted certificate: repository/x\"}";
        Path kar = Files.write(dir.resolve("acme.kar"), new byte[] {1});
        Catalog.Refused refused = assertThrows(Catalog.Refused.class, () -> new Catalog(base(), null, null).publish(kar));
        assertEquals(422, refused.status());
        assertTrue(refused.getMessage().contains("HTTP 422: Unprocessable: not signed by a trusted certificate: repository/x"), refused.getMessage());
        assertEquals(null, received.get().getRequestHeaders().getFirst("Authorization"));
    }

    @Test
    void aRefusalWithoutProblemJsonShowsTheBody() throws Exception {
        status = 401;
        contentType = "text/plain";
        answer = "Unauthorized";
        Path kar = Files.write(dir.resolve("acme.kar"), new byte[] {1});
        Catalog.Refused refused = assertThrows(Catalog.Refused.class, () -> new Catalog(base(), "admin", "wrong").publish(kar));
        assertTrue(refused.getMessage().endsWith("HTTP 401: Unauthorized"), refused.getMessage());
    }
}
