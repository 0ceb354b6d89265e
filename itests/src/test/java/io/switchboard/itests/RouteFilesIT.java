package io.switchboard.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testkit.TestServer;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 6.6: integrators' Camel route files in {@code deploy/}, in the YAML and XML DSL as Camel's
 * documentation writes them, started, replaced, failed and stopped in the running server.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RouteFilesIT {

    static final String PASSWORD = "It-" + UUID.randomUUID();
    static final Duration WAIT = Duration.ofSeconds(60);
    static TestServer server;
    static Api api;

    @BeforeAll
    static void boot() {
        server = Distribution.unpack(PASSWORD)
                .requireRoutes("switchboard-conversation/conversation-inbound", "switchboard-webchat/webchat-outbound");
        server.start();
        api = new Api(server);
    }

    @AfterAll
    static void shutDown() {
        if (server != null) {
            server.stop();
        }
    }

    static long logLines(String text) {
        return server.log().lines().filter(l -> l.contains(text)).count();
    }

    /** The file's line in switchboard:status, e.g. {@code route file hello.xml   RUNNING}. */
    static String statusOf(String file) {
        return server.shell("switchboard:status").lines().filter(l -> l.startsWith("route file " + file + " "))
                .findFirst().orElse(null);
    }

    /** Whether {@code text} stops appearing in the log: no new line for three seconds. */
    static void assertStopsLogging(String text) throws InterruptedException {
        Thread.sleep(1500); // a tick already on its way may still land
        long before = logLines(text);
        Thread.sleep(3000);
        assertEquals(before, logLines(text), "'" + text + "' is still being logged");
    }

    static final String YAML_HELLO = """
            - from:
                uri: "timer:yaml"
                parameters:
                  period: "500"
                steps:
                  - setBody:
                      simple: "%s from ${routeId}"
                  - log: "${body}"
            """;

    static final String XML_HELLO = """
            <?xml version="1.0" encoding="UTF-8"?>
            <routes xmlns="http://camel.apache.org/schema/spring">
                <route id="xml-hello">
                    <from uri="timer:xml?period=500"/>
                    <setBody><simple>Hello XML from ${routeId}</simple></setBody>
                    <log message="${body}"/>
                </route>
            </routes>
            """;

    @Test
    @Order(1)
    void yamlAndXmlRoutesRunWhenDropped() {
        server.deploy("hello.camel.yaml", YAML_HELLO.formatted("Hello YAML"));
        server.deploy("hello.xml", XML_HELLO);
        Api.await("the YAML route's log line", WAIT, () -> logLines("Hello YAML from ") > 0);
        Api.await("the XML route's log line", WAIT, () -> logLines("Hello XML from xml-hello") > 0);

        String status = server.shell("switchboard:status");
        assertTrue(status.lines().anyMatch(l -> l.startsWith("route file hello.camel.yaml") && l.endsWith("RUNNING")), status);
        assertTrue(status.lines().anyMatch(l -> l.startsWith("route file hello.xml") && l.endsWith("RUNNING")), status);
        assertTrue(status.lines().anyMatch(l -> l.startsWith("route hello.xml/xml-hello") && l.endsWith("Started")), status);

        Api.Reply files = api.expect(200, "GET", "/switchboard/api/route-files", null, api.admin());
        assertEquals(2, files.array().size(), files.body());
        for (JsonValue f : files.array()) {
            assertEquals("RUNNING", f.asJsonObject().getString("state"), files.body());
        }
        int anonymous = api.call("GET", "/switchboard/api/route-files", null, null).status();
        assertTrue(anonymous == 401 || anonymous == 403, "the route files are public: " + anonymous);
    }

    @Test
    @Order(2)
    void editingAFileReplacesItsRoute() throws InterruptedException {
        server.deploy("hello.camel.yaml", YAML_HELLO.formatted("Goodbye YAML"));
        Api.await("the changed route's log line", WAIT, () -> logLines("Goodbye YAML from ") > 0);
        assertStopsLogging("Hello YAML from ");
        assertTrue(logLines("Hello XML from xml-hello") > 0);
    }

    @Test
    @Order(3)
    void aRouteOnTheEventsTopicWritesEachEventToAFile() throws IOException {
        Path out = server.home().resolve("it-events");
        server.deploy("events.camel.yaml", """
                - route:
                    id: events-to-files
                    from:
                      uri: "bus:topic:sb.events"
                      steps:
                        - to: "file:%s?fileName=${exchangeId}.json"
                """.formatted(out));
        Api.await("events.camel.yaml running", WAIT, () -> {
            String line = statusOf("events.camel.yaml");
            return line != null && line.endsWith("RUNNING");
        });

        // a customer writes in the web chat: the core opens a conversation and says so on sb.events
        String visitor = "it-" + UUID.randomUUID().toString().replace("-", "");
        JsonObject accepted = api.expect(202, "POST", "/switchboard/api/webchat/messages",
                "{\"visitorId\":\"" + visitor + "\",\"text\":\"路由文件 📂\",\"clientMessageId\":\"rf-1\"}", null).json();
        String conversationId = accepted.getString("conversationId");

        String event = Api.await("an event file about " + conversationId, WAIT, () -> Api.fileContaining(out, conversationId));
        // the first of them may be conversation.opened or message.received: both are the core's JSON
        assertTrue(event.contains("\"type\":\""), event);
        assertTrue(event.contains("\"conversationId\":\"" + conversationId + "\""), event);
    }

    @Test
    @Order(4)
    void aBrokenFileIsReportedAndTheOthersKeepRunning() throws InterruptedException {
        server.deploy("broken.camel.yaml", "- from:\n    uri: \"timer:broken\n    steps: [\n");
        server.deploy("unknown.xml", """
                <routes xmlns="http://camel.apache.org/schema/xml-io">
                    <route id="nowhere"><from uri="nosuchcomponent:x"/><log message="never"/></route>
                </routes>
                """);
        Api.await("the syntax error in the log", WAIT,
                () -> logLines("Route file broken.camel.yaml in deploy/ is not running") > 0);
        Api.await("the unknown component in the log", WAIT,
                () -> server.log().contains("Route file unknown.xml in deploy/ is not running") && server.log().contains("nosuchcomponent"));

        String status = server.shell("switchboard:status");
        assertTrue(status.lines().anyMatch(l -> l.startsWith("route file broken.camel.yaml") && l.endsWith("FAILED")), status);
        assertTrue(status.lines().anyMatch(l -> l.startsWith("route file unknown.xml") && l.endsWith("FAILED")), status);
        assertTrue(status.contains("line 2"), "the YAML error says where: " + status);
        assertTrue(status.contains("nosuchcomponent"), status);
        assertTrue(status.lines().anyMatch(l -> l.startsWith("switchboard ") && l.endsWith("UP")), status);

        long before = logLines("Goodbye YAML from ");
        Thread.sleep(2000);
        assertTrue(logLines("Goodbye YAML from ") > before, "a broken file stopped another file's route");

        Api.Reply files = api.expect(200, "GET", "/switchboard/api/route-files", null, api.admin());
        JsonObject broken = files.array().stream().map(JsonValue::asJsonObject)
                .filter(f -> f.getString("name").equals("broken.camel.yaml")).findFirst().orElseThrow();
        assertEquals("FAILED", broken.getString("state"));
        assertFalse(broken.getString("error").isBlank());

        // fixed, it starts
        server.deploy("broken.camel.yaml", YAML_HELLO.formatted("Fixed YAML"));
        Api.await("the fixed file's log line", WAIT, () -> logLines("Fixed YAML from ") > 0);
        Api.await("the fixed file RUNNING", WAIT, () -> {
            String line = statusOf("broken.camel.yaml");
            return line != null && line.endsWith("RUNNING");
        });
    }

    @Test
    @Order(5)
    void deletingAFileStopsItsRoute() throws IOException, InterruptedException {
        Files.delete(server.home().resolve("deploy/hello.xml"));
        Api.await("hello.xml gone from the status", WAIT, () -> statusOf("hello.xml") == null);
        assertStopsLogging("Hello XML from xml-hello");
        List<String> left = api.expect(200, "GET", "/switchboard/api/route-files", null, api.admin()).array().stream()
                .map(f -> f.asJsonObject().getString("name")).toList();
        assertFalse(left.contains("hello.xml"), left.toString());
        assertTrue(left.contains("hello.camel.yaml"), left.toString());
    }
}
