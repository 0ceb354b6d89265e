package ${package}.internal;

import io.switchboard.testkit.TestServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The plugin in the real distribution: the source pointed at a directory, the server booted, the plugin's KAR published and installed as an operator would (its feature puts the rule in
 * {@code etc/}), then a notification dropped into the directory and the proactive service's answer to the event awaited.
 * Nobody is known by the notification's contact, so the push is {@code UNKNOWN_CUSTOMER}: the event
 * went the whole way, and no customer was written to. Run with
 * {@code -Dswitchboard.distribution=<path of switchboard-distro-*.tar.gz or its directory>}.
 */
@EnabledIfSystemProperty(named = "switchboard.distribution", matches = ".*\\S.*")
class ${ruleClass}ServerIT {

    static TestServer server;
    static Path inbox;

    @BeforeAll
    static void boot() throws Exception {
        Path distribution = Path.of(System.getProperty("switchboard.distribution"));
        if (distribution.toFile().isDirectory()) {
            distribution = TestServer.findDistribution(distribution);
        }
        // assigned before start, so a boot that fails is still stopped afterwards
        server = TestServer.unpack(distribution, Path.of("target/servers").toAbsolutePath(), "it-admin-password");
        inbox = Files.createDirectories(Path.of("target/it-inbox").toAbsolutePath());
        server.configure("${package}", "sourceUri", "file:" + inbox);
        server.configure("io.switchboard.plugins", "allowUnsigned", "true");
        // a build signed with the developer's key: their own server trusts it
        server.trustSignerOf(Path.of(System.getProperty("plugin.kar")));
        server.start(Duration.ofSeconds(180));
        // as an operator installs it: published to the catalog, then installed from there
        server.installPlugin(Path.of(System.getProperty("plugin.kar")), System.getProperty("plugin.id"));
        awaitHealth("\"" + ${ruleClass}Events.CONTEXT + "/" + ${ruleClass}Routes.ROUTE + "\":\"Started\"");
    }

    static String get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.url(path)).header("Authorization", server.basicAuth()).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).body();
    }

    static void awaitHealth(String route) throws Exception {
        String last = "";
        for (long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos(); System.nanoTime() < deadline; Thread.sleep(500)) {
            last = get("/switchboard/api/health");
            if (last.contains(route)) {
                return;
            }
        }
        throw new AssertionError(route + " not started: " + last + "\n" + server.log());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aNotificationReachesTheRule() throws Exception {
        Files.writeString(inbox.resolve("it-1.json"), "{\"id\":\"it-1\",\"contacts\":[\"sms:+8613900000000\"],"
                + "\"data\":{\"title\":\"测试\",\"detail\":\"详情\"}}", StandardCharsets.UTF_8);
        String last = "";
        for (long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos(); System.nanoTime() < deadline; Thread.sleep(1000)) {
            last = get("/switchboard/api/proactive/pushes?eventId=${rule}:it-1");
            if (last.contains("\"rule\":\"${rule}\"") && last.contains("UNKNOWN_CUSTOMER")) {
                return;
            }
        }
        throw new AssertionError("the rule did not answer the event: " + last + "\n" + server.log());
    }
}
