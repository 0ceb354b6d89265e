package ${package}.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.SystemReply;
import io.switchboard.api.SystemRequest;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.systems.CallPolicy;
import io.switchboard.systems.SystemConnector;
import io.switchboard.testkit.TestBroker;
import io.switchboard.testkit.TestBus;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The connector on a real broker, through the platform's SystemConnector, against a fake ${systemClass}
 * API on a local HTTP server.
 */
class ${systemClass}ConnectorTest {

    static final String REPLIES = BusAddress.systemReply("test");

    final CanonicalJson json = new CanonicalJson();
    final Map<String, String> records = new ConcurrentHashMap<>();
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    final AtomicInteger calls = new AtomicInteger();
    /** Calls still to be answered 503, as a system in trouble does. */
    final AtomicInteger outage = new AtomicInteger();
    HttpServer system;
    TestBroker broker;
    TestBus bus;
    SystemConnector connector;
    CamelContext camel;

    @BeforeEach
    void start() throws Exception {
        system = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        system.createContext("/api/records/", exchange -> {
            calls.incrementAndGet();
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            String id = exchange.getRequestURI().getPath().substring("/api/records/".length());
            String body = records.get(id);
            int status = outage.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 503 : body == null ? 404 : 200;
            byte[] bytes = (status == 200 ? body : "{\"error\":\"" + status + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        system.start();

        broker = TestBroker.start();
        bus = TestBus.on(broker);
        ${systemClass}Client client = new ${systemClass}Client(new ${systemClass}Client.Settings(
                URI.create("http://127.0.0.1:" + system.getAddress().getPort() + "/api"), "key-1",
                Duration.ofSeconds(2), Duration.ofSeconds(2)), json);
        // short pauses, so an outage is ridden out within the test
        connector = new SystemConnector(${systemClass}Connector.SYSTEM, bus,
                request -> ${systemClass}Connector.ask(client, request), CallPolicy.of(5, 1, 50, 1, 30));
        camel = new DefaultCamelContext();
        camel.addComponent("bus", BundleRoutes.busComponent(bus));
        camel.addRoutes(connector.routes());
        camel.start();
    }

    @AfterEach
    void stop() {
        connector.stop();
        camel.stop();
        bus.close();
        broker.close();
        system.stop(0);
    }

    void request(String id, String operation, Map<String, String> params) {
        SystemRequest request = new SystemRequest(id, ${systemClass}Connector.SYSTEM, operation, params, null, null,
                REPLIES, Instant.now(), null);
        bus.send(${systemClass}Connector.REQUESTS, json.toJson(request), Map.of(BusAddress.DUPLICATE_ID, id));
    }

    SystemReply reply() {
        return json.fromJson(bus.expect(REPLIES, Duration.ofSeconds(20)).body(), SystemReply.class);
    }

    @Test
    void aRecordIsAnsweredWithTheSystemsData() {
        records.put("c-42", "{\"id\":\"c-42\",\"name\":\"李雷\",\"tier\":\"GOLD\",\"orders\":3}");

        request("req-1", "GetRecord", Map.of("id", "c-42"));

        SystemReply reply = reply();
        assertEquals(SystemReply.Status.OK, reply.status(), reply.toString());
        assertEquals("req-1", reply.requestId());
        assertEquals("李雷", reply.data().get("name"));
        assertEquals("3", reply.data().get("orders"));
        assertEquals(List.of("Bearer key-1"), authorizations);
    }

    @Test
    void anUnknownRecordIsAFaultAskedOnce() {
        request("req-2", "GetRecord", Map.of("id", "nobody"));

        SystemReply reply = reply();
        assertEquals(SystemReply.Status.FAULT, reply.status());
        assertTrue(reply.fault().contains("nobody"), reply.fault());
        assertEquals(1, calls.get(), "a fault is never asked again");
    }

    @Test
    void aWrongRequestIsAFaultThatNeverReachesTheSystem() {
        request("req-3", "GetRecord", Map.of());
        assertEquals(SystemReply.Status.FAULT, reply().status());

        request("req-4", "DeleteEverything", Map.of("id", "c-42"));
        SystemReply unknown = reply();
        assertEquals(SystemReply.Status.FAULT, unknown.status());
        assertTrue(unknown.fault().contains("GetRecord"), unknown.fault());
        assertEquals(0, calls.get());
    }

    @Test
    void anOutageIsRiddenOutAndTheRequestAnsweredOnce() {
        records.put("c-7", "{\"id\":\"c-7\",\"name\":\"韩梅梅\"}");
        outage.set(2);

        request("req-5", "GetRecord", Map.of("id", "c-7"));
        request("req-5", "GetRecord", Map.of("id", "c-7")); // the caller's retry: the bus drops it

        SystemReply reply = reply();
        assertEquals(SystemReply.Status.OK, reply.status(), reply.toString());
        assertEquals("韩梅梅", reply.data().get("name"));
        assertEquals(3, calls.get(), "two 503s, then the answer");
        assertEquals(null, bus.receive(REPLIES, Duration.ofMillis(500)), "one reply per request");
    }
}
