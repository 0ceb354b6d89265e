package io.switchboard.routefiles.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.bus.BundleRoutes;
import io.switchboard.bus.internal.ArtemisBus;
import io.switchboard.routefiles.RouteFileCheck;
import io.switchboard.routefiles.Toolbox;
import io.switchboard.testkit.TestBroker;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Route files checked before they are deployed: what is missing, with the feature to install, and nothing run. */
class FileCheckTest {

    static TestBroker broker;
    static ArtemisBus bus;
    static FileCheck check;

    /** What the distribution's features would say, for the components these tests name. */
    static final ComponentFeatures FEATURES = new ComponentFeatures() {
        final Map<String, String> known = Map.of("component/http", "switchboard-camel-http", "component/paho",
                "switchboard-camel-paho", "language/jsonpath", "switchboard-camel-jsonpath", "dataformat/csv", "switchboard-camel-csv");

        @Override
        public Optional<String> featureFor(Toolbox.Kind kind, String name) {
            return Optional.ofNullable(known.get(kind.name().toLowerCase(java.util.Locale.ROOT) + "/" + name));
        }

        @Override
        public List<String> available() {
            return List.copyOf(known.values());
        }
    };

    @BeforeAll
    static void start() {
        broker = TestBroker.start();
        bus = ArtemisBus.connect(broker.amqpUrl(), "test", "test");
        check = new FileCheck(name -> {
            DefaultCamelContext context = new DefaultCamelContext();
            context.getCamelContextExtension().setName(name);
            context.addComponent("bus", BundleRoutes.busComponent(bus));
            return context;
        }, FEATURES, null, Map::of);
    }

    @AfterAll
    static void stop() {
        bus.deactivate();
        broker.close();
    }

    static RouteFileCheck check(String name, String content) {
        return check.check(name, content.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void everyMissingComponentIsNamedAtOnceWithItsFeature() {
        RouteFileCheck c = check("crm.camel.yaml", """
                - from:
                    uri: "paho:devices/in?brokerUrl=tcp://127.0.0.1:1"
                    steps:
                      - to: "http://crm.example.com/events"
                      - to: "carrier-pigeon:coop"
                """);
        assertFalse(c.valid());
        assertEquals("yaml", c.dsl());
        assertEquals(3, c.problems().size(), c.toString());
        assertEquals("switchboard-camel-paho", c.problems().get(0).feature());
        assertTrue(c.problems().get(0).message().contains("feature:install switchboard-camel-paho"), c.toString());
        assertEquals("switchboard-camel-http", c.problems().get(1).feature());
        assertNull(c.problems().get(2).feature());
        assertTrue(c.problems().get(2).message().contains("no feature of this distribution brings it"), c.toString());
    }

    @Test
    void aMisspeltOptionIsRejectedWithCamelsReason() {
        RouteFileCheck c = check("typo.camel.yaml", """
                - from:
                    uri: "timer:typo?perid=100"
                    steps:
                      - to: "bus:queue:sb.test.check"
                """);
        assertFalse(c.valid());
        assertEquals(1, c.problems().size(), c.toString());
        assertTrue(c.problems().get(0).message().contains("perid"), c.toString());
        assertNull(c.problems().get(0).feature());
    }

    @Test
    void aMissingLanguageOrDataFormatNamesItsFeature() {
        RouteFileCheck language = check("lang.xml", """
                <routes xmlns="http://camel.apache.org/schema/spring">
                    <route>
                        <from uri="timer:lang"/>
                        <setHeader name="id"><jsonpath>$.id</jsonpath></setHeader>
                        <to uri="log:x"/>
                    </route>
                </routes>
                """);
        assertFalse(language.valid());
        assertEquals("xml", language.dsl());
        assertEquals("switchboard-camel-jsonpath", language.problems().get(0).feature(), language.toString());

        RouteFileCheck format = check("csv.camel.yaml", """
                - from:
                    uri: "timer:csv"
                    steps:
                      - unmarshal:
                          csv: {}
                      - to: "log:x"
                """);
        assertFalse(format.valid());
        assertEquals("switchboard-camel-csv", format.problems().get(0).feature(), format.toString());
    }

    @Test
    void aGoodFileIsValidAndNothingOfItRuns() throws Exception {
        RouteFileCheck c = check("good.camel.yaml", """
                - from:
                    uri: "timer:good?period=10"
                    steps:
                      - setBody:
                          constant: "ran"
                      - to: "bus:queue:sb.test.check.good"
                """);
        assertTrue(c.valid(), c.toString());
        assertEquals(List.of(), c.problems());
        assertNull(TestBroker.receive(bus.connectionFactory(), "sb.test.check.good", 1500), "a checked file ran");
    }

    @Test
    void whatIsNoRouteFileIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> check("notes.yaml", "shopping:\n  - milk\n"));
        assertThrows(IllegalArgumentException.class, () -> check("x.kamelet.yaml", "apiVersion: camel.apache.org/v1\nkind: Kamelet\n"));
        RouteFileCheck broken = check("broken.camel.yaml", "- from:\n    uri: \"timer:broken\n");
        assertFalse(broken.valid());
        assertTrue(broken.problems().get(0).message().contains("line"), broken.toString());
    }
}
