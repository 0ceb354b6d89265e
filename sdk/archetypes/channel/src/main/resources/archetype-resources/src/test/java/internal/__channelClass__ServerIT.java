package ${package}.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testkit.TestServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The plugin in the real distribution: the server booted, the bundle dropped into its {@code deploy/}
 * as an operator would (dropped before boot, file install would try it before Camel is there), the
 * channel's routes awaited, then a message posted over HTTP. Run with
 * {@code -Dswitchboard.distribution=<path of switchboard-distro-*.tar.gz or its directory>}.
 */
@EnabledIfSystemProperty(named = "switchboard.distribution", matches = ".*\\S.*")
class ${channelClass}ServerIT {

    static TestServer server;

    @BeforeAll
    static void boot() throws Exception {
        Path distribution = Path.of(System.getProperty("switchboard.distribution"));
        if (distribution.toFile().isDirectory()) {
            distribution = TestServer.findDistribution(distribution);
        }
        // assigned before start, so a boot that fails is still stopped afterwards
        server = TestServer.unpack(distribution, Path.of("target/servers").toAbsolutePath(), "it-admin-password");
        server.start(Duration.ofSeconds(180));
        server.deploy(Path.of(System.getProperty("plugin.jar")));
        awaitRoutes(${channelClass}Channel.CONTEXT + "/${channel}-inbound", ${channelClass}Channel.CONTEXT + "/${channel}-outbound");
    }

    static void awaitRoutes(String... routes) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String last = "";
        for (long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos(); System.nanoTime() < deadline; Thread.sleep(500)) {
            last = http.send(HttpRequest.newBuilder(server.url("/switchboard/api/health")).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).body();
            String health = last;
            if (java.util.Arrays.stream(routes).allMatch(route -> health.contains("\"" + route + "\":\"Started\""))) {
                return;
            }
        }
        throw new AssertionError("routes " + String.join(", ", routes) + " not started: " + last + "\n" + server.log());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aPostedMessageIsAccepted() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.url("/switchboard/api/${channel}/messages"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"from\":\"user-1\",\"text\":\"你好\",\"messageId\":\"ext-1\"}", StandardCharsets.UTF_8))
                .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertEquals(202, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"id\""), response.body());
    }
}
