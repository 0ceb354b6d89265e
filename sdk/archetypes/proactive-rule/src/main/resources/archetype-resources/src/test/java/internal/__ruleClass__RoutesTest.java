package ${package}.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.BusAddress;
import io.switchboard.api.BusinessEvent;
import io.switchboard.api.CanonicalJson;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.testkit.TestBroker;
import io.switchboard.testkit.TestBus;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The route on a real broker, its source replaced with AdviceWith; and the rule it ships. */
class ${ruleClass}RoutesTest {

    static final String NOTIFICATION = "{\"id\":\"n-1\",\"contacts\":[\"sms:+8613800138000\",\"customer:c-9\"],"
            + "\"data\":{\"title\":\"航班取消\",\"detail\":\"CA1234 改为明天 08:00\"}}";

    final CanonicalJson json = new CanonicalJson();
    TestBroker broker;
    TestBus bus;
    CamelContext camel;
    ProducerTemplate notify;

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start();
        bus = TestBus.on(broker);
        camel = new DefaultCamelContext();
        camel.addComponent("bus", BundleRoutes.busComponent(bus));
        camel.addRoutes(new ${ruleClass}Routes("file:unused", json));
        AdviceWith.adviceWith(camel, ${ruleClass}Routes.ROUTE, route -> route.replaceFromWith("direct:notifications"));
        camel.start();
        notify = camel.createProducerTemplate();
    }

    @AfterEach
    void stop() {
        camel.stop();
        bus.close();
        broker.close();
    }

    @Test
    void aNotificationIsPublishedAsABusinessEventOnce() {
        try (TestBus.Subscription events = bus.subscribe(BusAddress.BUSINESS_EVENTS)) {
            notify.sendBody("direct:notifications", NOTIFICATION);
            notify.sendBody("direct:notifications", NOTIFICATION); // sent twice by the system: dropped

            TestBus.Received received = events.expect(Duration.ofSeconds(10));
            BusinessEvent event = json.fromJson(received.body(), BusinessEvent.class);
            assertEquals("${rule}:n-1", event.id());
            assertEquals("${eventType}", event.type());
            assertEquals("航班取消", event.data().get("title"));
            assertEquals(List.of("sms:+8613800138000", "customer:c-9"), event.affected());
            assertEquals("business:${rule}:n-1", received.property(BusAddress.DUPLICATE_ID));
            assertNull(events.receive(Duration.ofMillis(500)), "the same notification is one event");
        }
    }

    @Test
    void aNotificationThatNamesNobodyIsRefusedAndNothingPublished() {
        try (TestBus.Subscription events = bus.subscribe(BusAddress.BUSINESS_EVENTS)) {
            CamelExecutionException refused = assertThrows(CamelExecutionException.class,
                    () -> notify.sendBody("direct:notifications", "{\"id\":\"n-2\",\"contacts\":[\"+86138\"]}"));
            assertTrue(refused.getCause().getMessage().contains("not a contact"), refused.getCause().getMessage());
            assertNull(events.receive(Duration.ofMillis(500)));
        }
    }

    @Test
    void theShippedRuleAnswersTheseEventsWithTheirData() throws Exception {
        Properties rule = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("src/main/etc/rule.cfg"), StandardCharsets.UTF_8)) {
            rule.load(in);
        }
        assertEquals("${rule}", rule.getProperty("name"));
        assertEquals(${ruleClass}Routes.TYPE, rule.getProperty("event"));
        // every {key} of the text and the reason is in a notification's data (or the event's type)
        BusinessEvent event = ${ruleClass}Routes.event(json.fromJson(NOTIFICATION, ${ruleClass}Routes.Notification.class));
        Set<String> known = new HashSet<>(event.data().keySet());
        known.add("type");
        for (String key : List.of("text", "reason")) {
            Matcher placeholder = Pattern.compile("\\{([^}]+)}").matcher(rule.getProperty(key));
            while (placeholder.find()) {
                assertTrue(known.contains(placeholder.group(1)), key + " uses {" + placeholder.group(1) + "}, not in " + known);
            }
        }
    }
}
