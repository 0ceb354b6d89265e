package ${package}.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.testkit.TestBroker;
import io.switchboard.testkit.TestBus;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The routes against a real broker; the source and the target replaced with AdviceWith. */
class ${routesClass}RoutesTest {

    final CanonicalJson json = new CanonicalJson();
    final BlockingQueue<String> delivered = new LinkedBlockingQueue<>();
    TestBroker broker;
    TestBus bus;
    CamelContext camel;

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start();
        bus = TestBus.on(broker);
        camel = new DefaultCamelContext();
        camel.addComponent("bus", BundleRoutes.busComponent(bus));
        camel.addRoutes(new ${routesClass}Routes("file:unused", "log:unused", json));
        AdviceWith.adviceWith(camel, ${routesClass}Routes.INTAKE, route -> route.replaceFromWith("direct:source"));
        AdviceWith.adviceWith(camel, ${routesClass}Routes.DELIVERY, route -> route.weaveById(${routesClass}Routes.DELIVER)
                .replace().process(exchange -> {
                    String body = exchange.getMessage().getBody(String.class);
                    if (body.contains("拒收")) {
                        throw new IllegalStateException("the target refused it");
                    }
                    delivered.add(body);
                }));
        camel.start();
    }

    @AfterEach
    void stop() {
        camel.stop();
        bus.close();
        broker.close();
    }

    @Test
    void whatTheSourceGivesIsDeliveredThroughTheBus() throws Exception {
        camel.createProducerTemplate().sendBody("direct:source", "  订单 A-1 已发货 ");

        String out = delivered.poll(10, TimeUnit.SECONDS);
        assertNotNull(out, "nothing delivered");
        ${routesClass}Routes.Delivery delivery = json.fromJson(out, ${routesClass}Routes.Delivery.class);
        assertEquals("订单 A-1 已发货", delivery.text());
        assertNotNull(delivery.id());
        // the bus transaction commits just after the target took it
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
             broker.messageCount(${routesClass}Routes.QUEUE) > 0 && System.nanoTime() < deadline; ) {
            Thread.sleep(50);
        }
        assertEquals(0, broker.messageCount(${routesClass}Routes.QUEUE), "taken off the queue once delivered");
        assertNull(delivered.poll(300, TimeUnit.MILLISECONDS), "delivered once");
    }

    @Test
    void whatIsOnTheQueueAlreadyIsDeliveredToo() throws Exception {
        // e.g. put there while the bundle was being updated
        bus.send(${routesClass}Routes.QUEUE, "你好", Map.of());
        assertEquals("你好", json.fromJson(delivered.poll(10, TimeUnit.SECONDS), ${routesClass}Routes.Delivery.class).text());
    }

    @Test
    void whatTheTargetRefusesIsDeadLetteredWithItsReason() throws Exception {
        bus.send(${routesClass}Routes.QUEUE, "拒收的消息", Map.of());

        TestBus.Received dead = bus.expect(BusAddress.deadLetter(${routesClass}Routes.QUEUE), Duration.ofSeconds(15));
        assertEquals("拒收的消息", dead.body(), "the original message, for a replay");
        assertTrue(String.valueOf(dead.property(BusAddress.DEAD_LETTER_REASON)).contains("the target refused it"), dead.properties().toString());
        assertEquals(${routesClass}Routes.QUEUE, dead.property(BusAddress.DEAD_LETTER_ORIGIN));
        assertNull(delivered.poll(200, TimeUnit.MILLISECONDS));
    }

    @Test
    void blankTextIsDeadLettered() {
        bus.send(${routesClass}Routes.QUEUE, "   ", Map.of());
        TestBus.Received dead = bus.expect(BusAddress.deadLetter(${routesClass}Routes.QUEUE), Duration.ofSeconds(15));
        assertTrue(String.valueOf(dead.property(BusAddress.DEAD_LETTER_REASON)).contains("nothing to deliver"));
    }
}
