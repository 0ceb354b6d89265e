package ${package}.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.SystemRequest;
import io.switchboard.testkit.TestBus;
import io.switchboard.testkit.TestServer;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The plugin in the real distribution: the server booted with the connector configured to a fake
 * ${systemClass} API in this JVM, the plugin's KAR published and installed as an operator would, the
 * route awaited, then a request put on the server's bus and awaited at the fake API. Run with
 * {@code -Dswitchboard.distribution=<path of switchboard-distro-*.tar.gz or its directory>}.
 */
@EnabledIfSystemProperty(named = "switchboard.distribution", matches = ".*\\S.*")
class ${systemClass}ServerIT {

    static TestServer server;
    static HttpServer system;
    static final BlockingQueue<String> calls = new LinkedBlockingQueue<>();

    @BeforeAll
    static void boot() throws Exception {
        system = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        system.createContext("/api/records/c-1", exchange -> {
            calls.add(exchange.getRequestURI().getPath());
            byte[] body = "{\"id\":\"c-1\",\"name\":\"李雷\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        system.start();
        Path distribution = Path.of(System.getProperty("switchboard.distribution"));
        if (distribution.toFile().isDirectory()) {
            distribution = TestServer.findDistribution(distribution);
        }
        // assigned before start, so a boot that fails is still stopped afterwards
        server = TestServer.unpack(distribution, Path.of("target/servers").toAbsolutePath(), "it-admin-password");
        server.configure("${package}", "endpoint", "http://127.0.0.1:" + system.getAddress().getPort() + "/api");
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
        if (system != null) {
            system.stop(0);
        }
    }

    @Test
    void aRequestOnTheServersBusReachesTheSystem() throws Exception {
        // The plugin's bus user may write only what its descriptor grants: the reply goes to the flows'
        // reply address (the platform's caller), so this test sees the request arrive at the system.
        CanonicalJson json = new CanonicalJson();
        try (TestBus bus = TestBus.connect(server.busUrl(), TestServer.ADMIN, server.adminPassword())) {
            SystemRequest request = new SystemRequest("it-1", "${system}", "GetRecord", Map.of("id", "c-1"), null, null,
                    BusAddress.systemReply("flows"), Instant.now(), null);
            bus.send(${systemClass}Connector.REQUESTS, json.toJson(request), Map.of(BusAddress.DUPLICATE_ID, request.id()));
            String asked = calls.poll(30, TimeUnit.SECONDS);
            assertEquals("/api/records/c-1", asked, "the system was not asked\n" + server.log());
        }
    }
}
