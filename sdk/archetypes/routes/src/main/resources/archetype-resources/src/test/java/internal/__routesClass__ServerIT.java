package ${package}.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.api.CanonicalJson;
import io.switchboard.testkit.TestServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The plugin in the real distribution: source and target pointed at two directories, the server
 * booted, the plugin's KAR published and installed as an operator would, the routes awaited, then a
 * file dropped in and its delivery awaited. Run with
 * {@code -Dswitchboard.distribution=<path of switchboard-distro-*.tar.gz or its directory>}.
 */
@EnabledIfSystemProperty(named = "switchboard.distribution", matches = ".*\\S.*")
class ${routesClass}ServerIT {

    static TestServer server;
    static Path in;
    static Path out;

    @BeforeAll
    static void boot() throws Exception {
        Path distribution = Path.of(System.getProperty("switchboard.distribution"));
        if (distribution.toFile().isDirectory()) {
            distribution = TestServer.findDistribution(distribution);
        }
        // assigned before start, so a boot that fails is still stopped afterwards
        server = TestServer.unpack(distribution, Path.of("target/servers").toAbsolutePath(), "it-admin-password");
        in = Files.createDirectories(Path.of("target/it-in").toAbsolutePath());
        out = Files.createDirectories(Path.of("target/it-out").toAbsolutePath());
        server.configure("${package}", "sourceUri", "file:" + in);
        server.configure("${package}", "targetUri", "file:" + out);
        server.configure("io.switchboard.plugins", "allowUnsigned", "true");
        // a build signed with the developer's key: their own server trusts it
        server.trustSignerOf(Path.of(System.getProperty("plugin.kar")));
        server.start(Duration.ofSeconds(180));
        // as an operator installs it: published to the catalog, then installed from there; the install answers
        // once the plugin serves, so the tests send at once, with no wait of their own
        server.installPlugin(Path.of(System.getProperty("plugin.kar")), System.getProperty("plugin.id"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aFileIsDeliveredThroughTheBus() throws Exception {
        Files.writeString(in.resolve("m-1.txt"), "订单 A-1 已发货", StandardCharsets.UTF_8);
        for (long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos(); System.nanoTime() < deadline; Thread.sleep(500)) {
            List<Path> files;
            try (Stream<Path> list = Files.list(out)) {
                files = list.filter(Files::isRegularFile).toList();
            }
            if (!files.isEmpty()) {
                String text = Files.readString(files.get(0), StandardCharsets.UTF_8);
                assertEquals("订单 A-1 已发货", new CanonicalJson().fromJson(text, ${routesClass}Routes.Delivery.class).text());
                return;
            }
        }
        throw new AssertionError("nothing delivered to " + out + "\n" + server.log());
    }
}
