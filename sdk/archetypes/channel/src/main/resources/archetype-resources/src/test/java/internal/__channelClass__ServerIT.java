package ${package}.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.switchboard.testkit.TestServer;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The plugin in the real distribution, installed the way an operator installs it: its KAR published
 * to the server's catalog and installed from there. The test server trusts the certificate the KAR
 * was signed with (a build with {@code -Dswitchboard.sign.keystore=…}), and allows unsigned plugins
 * as a developer's machine does; a production server trusts only its operator's choice of signers. Then a message in over HTTP and a reply out
 * to a stand-in for the outside world's API. Run with
 * {@code -Dswitchboard.distribution=<path of switchboard-distro-*.tar.gz or its directory>}.
 */
@EnabledIfSystemProperty(named = "switchboard.distribution", matches = ".*\\S.*")
class ${channelClass}ServerIT {

    static final String PASSWORD = "it-admin-password";
    static final HttpClient http = HttpClient.newHttpClient();
    static final BlockingQueue<String> outsideWorld = new LinkedBlockingQueue<>();
    static HttpServer outside;
    static TestServer server;

    @BeforeAll
    static void boot() throws Exception {
        outside = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        outside.createContext("/send", exchange -> {
            outsideWorld.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        outside.start();
        Path distribution = Path.of(System.getProperty("switchboard.distribution"));
        if (distribution.toFile().isDirectory()) {
            distribution = TestServer.findDistribution(distribution);
        }
        // assigned before start, so a boot that fails is still stopped afterwards
        server = TestServer.unpack(distribution, Path.of("target/servers").toAbsolutePath(), PASSWORD)
                .configure("io.switchboard.plugins", "allowUnsigned", "true")
                .trustSignerOf(Path.of(System.getProperty("plugin.kar")))
                // agents answer here, not the bot
                .configure("io.switchboard.conversation", "botEnabled", "false")
                // the plugin's configuration, there before it is installed (its feature never overwrites it)
                .configure("${package}", "outboundUrl", "http://127.0.0.1:" + outside.getAddress().getPort() + "/send");
        server.start(Duration.ofSeconds(180));

        // as an operator installs it: published to the catalog, then installed from there; the install answers
        // once the plugin serves, so the tests send at once, with no wait of their own
        server.installPlugin(Path.of(System.getProperty("plugin.kar")), System.getProperty("plugin.id"));
    }

    static HttpResponse<String> call(String method, String path, String type, HttpRequest.BodyPublisher body) throws Exception {
        return http.send(HttpRequest.newBuilder(server.url(path)).header("Content-Type", type)
                .header("Authorization", server.basicAuth()).method(method, body).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (outside != null) {
            outside.stop(0);
        }
    }

    @Test
    void aPostedMessageIsAccepted() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.url("/switchboard/api/${channel}/messages"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"from\":\"user-1\",\"text\":\"你好\",\"messageId\":\"ext-1\"}", StandardCharsets.UTF_8))
                .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertEquals(202, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"id\""), response.body());
    }

    @Test
    void anAgentsReplyReachesTheOutsideWorld() throws Exception {
        // the customer writes first, so there is a conversation to reply in
        http.send(HttpRequest.newBuilder(server.url("/switchboard/api/${channel}/messages"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"from\":\"user-2\",\"text\":\"转人工\",\"messageId\":\"ext-2\"}", StandardCharsets.UTF_8))
                .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        String conversation = null;
        for (long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos(); conversation == null && System.nanoTime() < deadline; Thread.sleep(500)) {
            String list = call("GET", "/switchboard/api/conversations?state=all", "application/json", HttpRequest.BodyPublishers.noBody()).body();
            conversation = jakarta.json.Json.createReader(new java.io.StringReader(list)).readArray().stream()
                    .map(jakarta.json.JsonValue::asJsonObject)
                    .filter(c -> c.getJsonObject("address").getString("address").equals("user-2"))
                    .map(c -> c.getString("id")).findFirst().orElse(null);
        }
        assertTrue(conversation != null, "no conversation for user-2");
        HttpResponse<String> reply = call("POST", "/switchboard/api/conversations/" + conversation + "/replies", "application/json",
                HttpRequest.BodyPublishers.ofString("{\"text\":\"您好，已为您处理\",\"replyId\":\"r-1\"}", StandardCharsets.UTF_8));
        assertEquals(201, reply.statusCode(), reply.body());
        String delivered = outsideWorld.poll(60, TimeUnit.SECONDS);
        while (delivered != null && !delivered.contains("您好，已为您处理")) {
            delivered = outsideWorld.poll(60, TimeUnit.SECONDS);
        }
        assertTrue(delivered != null && delivered.contains("\"to\":\"user-2\""), "delivered: " + delivered);
    }
}
