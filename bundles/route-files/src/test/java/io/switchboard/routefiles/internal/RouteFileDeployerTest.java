package io.switchboard.routefiles.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.BusAddress;
import io.switchboard.api.DomainEvent;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.bus.internal.ArtemisBus;
import io.switchboard.routefiles.RouteFile;
import io.switchboard.testkit.TestBroker;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Route files read, started, replaced, removed and failed, on a real broker through the bus component. */
class RouteFileDeployerTest {

    static TestBroker broker;
    static ArtemisBus bus;
    RouteFileDeployer deployer;
    final Map<String, CamelContext> started = new ConcurrentHashMap<>();

    @BeforeAll
    static void startBroker() {
        broker = TestBroker.start();
        bus = ArtemisBus.connect(broker.amqpUrl(), "test", "test");
    }

    @AfterAll
    static void stopBroker() {
        bus.deactivate();
        broker.close();
    }

    /** What BundleRoutes does in the server, on a plain context. */
    RouteContexts plainContexts() {
        return plainContexts(context -> { });
    }

    /** As {@link #plainContexts()}, with what {@code installed} adds to each context, as features add components. */
    RouteContexts plainContexts(java.util.function.Consumer<CamelContext> installed) {
        return (name, routes) -> {
            DefaultCamelContext context = new DefaultCamelContext();
            context.getCamelContextExtension().setName(name);
            context.addComponent("bus", BundleRoutes.busComponent(bus));
            installed.accept(context);
            try {
                context.addRoutes(routes);
                context.start();
            } catch (Exception e) {
                context.stop();
                throw e;
            }
            started.put(name, context);
            return new RouteContexts.Running(context, context);
        };
    }

    @BeforeEach
    void deployer() {
        deployer = new RouteFileDeployer(plainContexts(), Clock.systemUTC());
    }

    @AfterEach
    void closeDeployer() {
        deployer.close();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A timer route as the Camel documentation writes it, sending {@code text} to a test queue. */
    static String yamlTimer(String queue, String text) {
        return """
                - from:
                    uri: "timer:yaml"
                    parameters:
                      period: "100"
                    steps:
                      - setBody:
                          constant: "%s"
                      - to: "bus:queue:%s"
                """.formatted(text, queue);
    }

    static String xmlTimer(String namespace, String queue, String text) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <routes%s>
                    <route id="xml-timer">
                        <from uri="timer:xml?period=100"/>
                        <setBody><simple>%s from ${routeId}</simple></setBody>
                        <to uri="bus:queue:%s"/>
                    </route>
                </routes>
                """.formatted(namespace.isEmpty() ? "" : " xmlns=\"" + namespace + "\"", text, queue);
    }

    static String receive(String queue, long timeoutMs) throws Exception {
        TextMessage m = TestBroker.receive(bus.connectionFactory(), queue, timeoutMs);
        return m == null ? null : m.getText();
    }

    static void drain(String queue) throws Exception {
        while (receive(queue, 300) != null) {
            // earlier ticks
        }
    }

    @Test
    void aYamlRouteRunsOnTheBus() throws Exception {
        RouteFile f = deployer.deploy("hello.camel.yaml", utf8(yamlTimer("sb.test.yaml", "你好 from YAML")));
        assertEquals(RouteFile.State.RUNNING, f.state(), f.error());
        assertEquals("yaml", f.dsl());
        assertEquals(1, f.routes().size());
        assertEquals("你好 from YAML", receive("sb.test.yaml", 10_000));
    }

    @Test
    void xmlRoutesRunInEveryNamespaceTheDslReads() throws Exception {
        String[] namespaces = {"", "http://camel.apache.org/schema/xml-io", "http://camel.apache.org/schema/spring"};
        for (int i = 0; i < namespaces.length; i++) {
            String queue = "sb.test.xml" + i;
            RouteFile f = deployer.deploy("hello-" + i + ".xml", utf8(xmlTimer(namespaces[i], queue, "xml " + i)));
            assertEquals(RouteFile.State.RUNNING, f.state(), f.error());
            assertEquals("xml", f.dsl());
            assertEquals("xml " + i + " from xml-timer", receive(queue, 10_000));
        }
    }

    @Test
    void aChangedFileReplacesItsRoutesAndARemovedOneStops() throws Exception {
        deployer.deploy("change.camel.yaml", utf8(yamlTimer("sb.test.change", "one")));
        assertEquals("one", receive("sb.test.change", 10_000));

        deployer.deploy("change.camel.yaml", utf8(yamlTimer("sb.test.change", "two")));
        drain("sb.test.change");
        assertEquals("two", receive("sb.test.change", 10_000));
        assertEquals(1, deployer.files().size());

        deployer.remove("change.camel.yaml");
        drain("sb.test.change");
        assertNull(receive("sb.test.change", 1000), "a removed file's route still runs");
        assertTrue(deployer.files().isEmpty());
    }

    @Test
    void aBrokenFileIsReportedAndStopsNothingElse() throws Exception {
        deployer.deploy("good.camel.yaml", utf8(yamlTimer("sb.test.good", "still here")));

        RouteFile syntax = deployer.deploy("syntax.camel.yaml", utf8("- from:\n    uri: \"timer:x\n   steps: [\n"));
        assertEquals(RouteFile.State.FAILED, syntax.state());
        assertTrue(syntax.error().contains("syntax.camel.yaml"), syntax.error());

        RouteFile xml = deployer.deploy("broken.xml", utf8("<routes><route><from uri=\"timer:x\"/><log message=\"x\"></route></routes>"));
        assertEquals(RouteFile.State.FAILED, xml.state());
        assertNotNull(xml.error());

        RouteFile unknown = deployer.deploy("unknown.camel.yaml", utf8("""
                - from:
                    uri: "nosuchcomponent:x"
                    steps:
                      - log: "never"
                """));
        assertEquals(RouteFile.State.FAILED, unknown.state());
        assertTrue(unknown.error().contains("nosuchcomponent"), unknown.error());

        RouteFile badOption = deployer.deploy("option.camel.yaml", utf8("""
                - from:
                    uri: "timer:x?noSuchOption=1"
                    steps:
                      - log: "never"
                """));
        assertEquals(RouteFile.State.FAILED, badOption.state());
        assertTrue(badOption.error().contains("noSuchOption"), badOption.error());

        drain("sb.test.good");
        assertEquals("still here", receive("sb.test.good", 10_000));
        assertEquals(5, deployer.files().size());
        assertEquals(4, deployer.files().stream().filter(f -> f.state() == RouteFile.State.FAILED).count());

        // fixed later, it starts
        RouteFile fixed = deployer.deploy("unknown.camel.yaml", utf8(yamlTimer("sb.test.fixed", "fixed")));
        assertEquals(RouteFile.State.RUNNING, fixed.state(), fixed.error());
        assertNull(fixed.error());
        assertEquals("fixed", receive("sb.test.fixed", 10_000));
    }

    @Test
    void aFileThatFailedForWantOfAComponentStartsWhenTriedAgainOnceItIsThere() throws Exception {
        // "late" is the timer component, as if its feature were installed after the file was saved
        java.util.concurrent.atomic.AtomicBoolean installed = new java.util.concurrent.atomic.AtomicBoolean();
        deployer.close();
        deployer = new RouteFileDeployer(plainContexts(context -> {
            if (installed.get()) {
                context.addComponent("late", new org.apache.camel.component.timer.TimerComponent());
            }
        }), Clock.systemUTC());
        String late = """
                - from:
                    uri: "late:tick?period=100"
                    steps:
                      - setBody:
                          constant: "arrived 到了"
                      - to: "bus:queue:sb.test.late"
                """;
        RouteFile before = deployer.deploy("late.camel.yaml", utf8(late));
        assertEquals(RouteFile.State.FAILED, before.state());
        assertTrue(before.error().contains("late"), before.error());
        RouteFile broken = deployer.deploy("syntax.camel.yaml", utf8("- from:\n    uri: \"timer:x\n   steps: [\n"));
        assertEquals(RouteFile.State.FAILED, broken.state());
        deployer.deploy("good.camel.yaml", utf8(yamlTimer("sb.test.untouched", "untouched")));
        java.time.Instant goodSince = deployer.files().stream().filter(f -> f.name().equals("good.camel.yaml")).findFirst()
                .orElseThrow().since();

        installed.set(true);
        List<RouteFile> tried = deployer.retryFailed();

        assertEquals(List.of("late.camel.yaml", "syntax.camel.yaml"), tried.stream().map(RouteFile::name).sorted().toList());
        RouteFile after = tried.stream().filter(f -> f.name().equals("late.camel.yaml")).findFirst().orElseThrow();
        assertEquals(RouteFile.State.RUNNING, after.state(), after.error());
        assertEquals("arrived 到了", receive("sb.test.late", 10_000));
        // a file broken in itself stays failed; a running one is left alone
        assertEquals(RouteFile.State.FAILED, tried.stream().filter(f -> f.name().equals("syntax.camel.yaml")).findFirst()
                .orElseThrow().state());
        assertEquals(goodSince, deployer.files().stream().filter(f -> f.name().equals("good.camel.yaml")).findFirst()
                .orElseThrow().since());
        // nothing failed is left to try
        assertEquals(List.of("syntax.camel.yaml"), deployer.retryFailed().stream().map(RouteFile::name).toList());
    }

    @Test
    void aBusConsumerIsTransactedAndDeadLettersWithTheReason() throws Exception {
        deployer.deploy("consumer.camel.yaml", utf8("""
                - route:
                    id: refuse
                    from:
                      uri: "bus:queue:sb.test.refused"
                      steps:
                        - throwException:
                            exceptionType: "java.lang.IllegalStateException"
                            message: "not today"
                """));
        var context = deployer.files().get(0);
        assertEquals(RouteFile.State.RUNNING, context.state(), context.error());
        bus.send("sb.test.refused", "{\"n\":1}", Map.of("sbPayloadType", "Test"));
        TextMessage dead = TestBroker.receive(bus.connectionFactory(), BusAddress.deadLetter("sb.test.refused"), 15_000);
        assertNotNull(dead, "nothing dead-lettered");
        assertEquals("{\"n\":1}", dead.getText());
        assertTrue(dead.getStringProperty(BusAddress.DEAD_LETTER_REASON).contains("not today"),
                dead.getStringProperty(BusAddress.DEAD_LETTER_REASON));
        assertEquals("sb.test.refused", dead.getStringProperty(BusAddress.DEAD_LETTER_ORIGIN));
    }

    @Test
    void eventsOnTheTopicReachAFile(@TempDir Path dir) throws Exception {
        RouteFile f = deployer.deploy("events.yaml", utf8("""
                - from:
                    uri: "bus:topic:sb.events"
                    steps:
                      - to: "file:%s?fileName=${header.sbEventId}.json"
                """.formatted(dir)));
        assertEquals(RouteFile.State.RUNNING, f.state(), f.error());
        Thread.sleep(500); // the subscription exists from now on
        bus.publish(BusAddress.EVENTS, "{\"type\":\"conversation.opened\"}", Map.of("sbEventId", "e-1"));
        Path written = dir.resolve("e-1.json");
        long deadline = System.currentTimeMillis() + 10_000;
        while (!Files.exists(written) && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(Files.exists(written), "no file from the event");
        assertEquals("{\"type\":\"conversation.opened\"}", Files.readString(written));
    }

    /** The selector of docs/integrator-guide.md: the broker sends the file only the kinds it names. */
    @Test
    void aFileTakesOnlyTheEventsItsSelectorNames(@TempDir Path dir) throws Exception {
        RouteFile f = deployer.deploy("closed.camel.yaml", utf8("""
                - from:
                    uri: "bus:topic:sb.events"
                    parameters:
                      messageSelector: "sbEventType IN ('conversation.closed', 'conversation.queued')"
                    steps:
                      - to: "file:%s?fileName=${header.sbEventType}-${header.sbEventId}.json"
                """.formatted(dir)));
        assertEquals(RouteFile.State.RUNNING, f.state(), f.error());
        // the subscription starts in the background: a selected event, again, until the file has one
        Path probe = dir.resolve("conversation.closed-probe.json");
        long deadline = System.currentTimeMillis() + 10_000;
        while (!Files.exists(probe) && System.currentTimeMillis() < deadline) {
            publishEvent("conversation.closed", "probe");
            Thread.sleep(200);
        }
        assertTrue(Files.exists(probe), "the selected event did not reach the file");
        // one topic keeps its order: once the last is there, the others would have been
        publishEvent("message.received", "m");
        publishEvent("message.sent", "s");
        publishEvent("conversation.queued", "last");
        Path last = dir.resolve("conversation.queued-last.json");
        while (!Files.exists(last) && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(Files.exists(last), "the second selected kind did not reach the file");
        try (var files = Files.list(dir)) {
            assertEquals(java.util.Set.of(probe, last), files.collect(java.util.stream.Collectors.toSet()),
                    "events the selector leaves out reached the file");
        }
    }

    static void publishEvent(String type, String id) {
        // an event id of its own each time: the broker drops a repeated one
        DomainEvent event = new DomainEvent(type + ":" + id + ":" + System.nanoTime(), type, java.time.Instant.now(), "c1", null, Map.of());
        Map<String, Object> properties = new java.util.HashMap<>(event.busProperties());
        properties.put("sbEventId", id);
        bus.publish(BusAddress.EVENTS, "{}", properties);
    }

    @Test
    void busEndpointsAreTransactedUnlessTheFileSaysOtherwise() throws Exception {
        deployer.deploy("tx.camel.yaml", utf8("""
                - from:
                    uri: "bus:queue:sb.test.tx"
                    steps:
                      - log: "tx"
                - from:
                    uri: "bus:queue:sb.test.notx?transacted=false"
                    steps:
                      - log: "no tx"
                """));
        RouteFile f = deployer.files().get(0);
        assertEquals(RouteFile.State.RUNNING, f.state(), f.error());
        CamelContext context = started.get("tx.camel.yaml");
        assertEquals(2, f.routes().size());
        String tx = context.getRoute(f.routes().get(0)).getEndpoint().getEndpointUri();
        String noTx = context.getRoute(f.routes().get(1)).getEndpoint().getEndpointUri();
        assertTrue(tx.contains("transacted=true"), tx);
        assertTrue(noTx.contains("transacted=false") && !noTx.contains("transacted=true"), noTx);
    }

    @Test
    void onlyRouteFilesAreOurs() {
        assertTrue(RouteFileDeployer.isRouteFile("a.camel.yaml", utf8("anything")));
        assertTrue(RouteFileDeployer.isRouteFile("a.yaml", utf8("# routes\n- route:\n    from: {uri: 'timer:x'}\n")));
        assertFalse(RouteFileDeployer.isRouteFile("a.yaml", utf8("apiVersion: v1\nkind: ConfigMap\n")));
        assertTrue(RouteFileDeployer.isRouteFile("a.xml", utf8(xmlTimer("", "q", "t"))));
        assertTrue(RouteFileDeployer.isRouteFile("a.xml", utf8("<camel xmlns=\"http://camel.apache.org/schema/xml-io\"><route/></camel>")));
        assertTrue(RouteFileDeployer.isRouteFile("a.xml", utf8("<!-- one route --><route><from uri=\"timer:x\"/>")));
        assertFalse(RouteFileDeployer.isRouteFile("a.xml", utf8(
                "<blueprint xmlns=\"http://www.osgi.org/xmlns/blueprint/v1.0.0\"><camelContext xmlns=\"http://camel.apache.org/schema/blueprint\"/></blueprint>")));
        assertFalse(RouteFileDeployer.isRouteFile("a.xml", utf8("<features xmlns=\"http://karaf.apache.org/xmlns/features/v1.6.0\" name=\"x\"/>")));
        assertFalse(RouteFileDeployer.isRouteFile("a.xml", utf8("<beans xmlns=\"http://www.springframework.org/schema/beans\"/>")));
        assertFalse(RouteFileDeployer.isRouteFile("a.xml", utf8("<routes xmlns=\"urn:someone-else\"/>")));
        assertFalse(RouteFileDeployer.isRouteFile("a.jar", utf8("<routes/>")));
    }
    /** A Kamelet of the integrator's own, as a file beside the route files. */
    static final String GREETING_SINK = """
            apiVersion: camel.apache.org/v1
            kind: Kamelet
            metadata:
              name: greeting-sink
              labels:
                camel.apache.org/kamelet.type: sink
            spec:
              definition:
                title: Greeting sink
                required:
                  - queue
                properties:
                  queue:
                    title: Queue
                    type: string
                  greeting:
                    title: Greeting
                    type: string
                    default: "你好"
              template:
                from:
                  uri: "kamelet:source"
                  steps:
                    - setBody:
                        simple: "{{greeting}}, ${body}"
                    - to: "bus:queue:{{queue}}"
            """;

    @Test
    void routesUseKameletsFromTheCatalogueAndFromFilesBesideThem(@TempDir Path deploy) throws Exception {
        Files.writeString(deploy.resolve("greeting-sink.kamelet.yaml"), GREETING_SINK, StandardCharsets.UTF_8);
        RouteFileDeployer withKamelets = new RouteFileDeployer(plainContexts(), Clock.systemUTC(), deploy, Map::of);
        try {
            assertFalse(RouteFileDeployer.isRouteFile("greeting-sink.kamelet.yaml", utf8(GREETING_SINK)));
            RouteFile f = withKamelets.deploy("greet.camel.yaml", utf8("""
                    - from:
                        uri: "kamelet:timer-source"
                        parameters:
                          period: 100
                          message: "世界"
                        steps:
                          - to: "kamelet:greeting-sink?queue=sb.test.kamelet"
                    """));
            assertEquals(RouteFile.State.RUNNING, f.state(), f.error());
            assertEquals("你好, 世界", receive("sb.test.kamelet", 10_000));

            RouteFile missing = withKamelets.deploy("missing.camel.yaml", utf8("""
                    - from:
                        uri: "timer:missing?repeatCount=1"
                        steps:
                          - to: "kamelet:no-such-sink"
                    """));
            assertEquals(RouteFile.State.FAILED, missing.state());
            assertTrue(missing.error().contains("no-such-sink"), missing.error());
        } finally {
            withKamelets.close();
        }
    }
}
