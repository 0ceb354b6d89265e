package io.switchboard.bus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.bus.BundleRoutes;
import io.switchboard.testkit.TcpCut;
import io.switchboard.testkit.TestBroker;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Routes that listen on the bus: each listener hears of its own connection's failure, comes back and stays. */
class BusComponentTest {

    /** More routes than the bus pools connections (four): on a shared connection only one could be told. */
    static final int ROUTES = 9;

    TestBroker broker;
    TcpCut link;
    ArtemisBus bus;
    CamelContext camel;
    final Map<String, String> heard = new ConcurrentHashMap<>();

    @BeforeEach
    void start() {
        broker = TestBroker.start();
        link = TcpCut.to("127.0.0.1", broker.port());
        bus = ArtemisBus.connect("amqp://127.0.0.1:" + link.port(), "test", "test");
    }

    void routes() throws Exception {
        camel = new DefaultCamelContext();
        camel.addComponent("bus", BundleRoutes.busComponent(bus));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                for (int i = 0; i < ROUTES; i++) {
                    String queue = "sb.test.listener" + i;
                    from("bus:queue:" + queue + "?transacted=true&asyncStartListener=true").routeId(queue)
                            .process(exchange -> heard.put(queue, exchange.getMessage().getBody(String.class)));
                }
            }
        });
        camel.start();
    }

    @AfterEach
    void stop() {
        if (camel != null) {
            camel.stop();
        }
        bus.deactivate();
        link.close();
        broker.close();
    }

    @Test
    void everyListenerHearsAgainAfterEachTimeItsBrokerLinkIsCutAndRestored() throws Exception {
        routes();
        assertEquals(all(), sendAndHear("before"), "every route hears before the cut");

        // long enough for several tries to connect again to fail
        for (int outage = 1; outage <= 2; outage++) {
            link.cut();
            Thread.sleep(7000);
            link.restore();
            assertEquals(all(), sendAndHear("after outage " + outage),
                    "routes whose connection failed under them in outage " + outage + " and never came back");
            // a listener that came back must stay: Camel's own recovery went on closing its new connection
            Thread.sleep(6000);
            assertEquals(all(), sendAndHear("later after outage " + outage),
                    "routes that came back after outage " + outage + " and then went deaf");
        }
    }

    @Test
    void listenersStartedWhileTheBrokerIsAwayListenOnceItIsBack() throws Exception {
        link.cut();
        routes();
        Thread.sleep(5000);
        link.restore();
        assertEquals(all(), sendAndHear("first"), "routes that started while the broker was away and never listened");
    }

    /** Sends {@code text} to every route's queue, straight to the broker; returns the queues whose route heard it within 30 s. */
    Set<String> sendAndHear(String text) throws Exception {
        try (Connection c = new JmsConnectionFactory("test", "test", broker.amqpUrl()).createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = s.createProducer(null);
            for (int i = 0; i < ROUTES; i++) {
                p.send(s.createQueue("sb.test.listener" + i), s.createTextMessage(text));
            }
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline && heardNow(text).size() < ROUTES) {
            Thread.sleep(100);
        }
        return heardNow(text);
    }

    Set<String> heardNow(String text) {
        Set<String> queues = new TreeSet<>();
        heard.forEach((queue, body) -> {
            if (body.equals(text)) {
                queues.add(queue);
            }
        });
        return queues;
    }

    static Set<String> all() {
        Set<String> queues = new TreeSet<>();
        for (int i = 0; i < ROUTES; i++) {
            queues.add("sb.test.listener" + i);
        }
        return queues;
    }
}
