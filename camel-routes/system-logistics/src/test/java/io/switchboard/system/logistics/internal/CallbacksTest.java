package io.switchboard.system.logistics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.switchboard.api.BusAddress;
import io.switchboard.api.BusinessEvent;
import io.switchboard.api.CanonicalJson;
import io.switchboard.bus.internal.ArtemisBus;
import io.switchboard.sandbox.logistics.SandboxLogistics;
import io.switchboard.store.Nonces;
import io.switchboard.store.internal.DatabaseNonces;
import io.switchboard.store.internal.JdbcStore;
import io.switchboard.testkit.TestBroker;
import io.switchboard.testkit.TestDatabase;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The callback endpoint's judgement over real HTTP, fed by the sandbox's own signed callbacks and
 * by hand-made ones, with the business events read from a real broker. (Inside Karaf the same
 * {@link Callbacks} sits behind {@link CallbackServlet}; LogisticsIT drives that one.)
 */
class CallbacksTest {

    static final String SECRET = "回调-secret-42-0123456789abcdef-0123";

    final CanonicalJson json = new CanonicalJson();
    final HttpClient http = HttpClient.newHttpClient();
    TestBroker broker;
    TestDatabase db;
    Nonces nonces;
    ArtemisBus bus;
    Callbacks callbacks;
    HttpServer server;
    SandboxLogistics logistics;
    Connection connection;
    MessageConsumer businessEvents;

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start();
        db = TestDatabase.h2();
        nonces = new DatabaseNonces(new JdbcStore(db.dataSource()));
        bus = ArtemisBus.connect(broker.amqpUrl(), "test", "test");
        callbacks = new Callbacks(bus, json, LogisticsConnector.signature(SECRET, Duration.ofSeconds(300), nonces));
        server = serve(callbacks);
        logistics = SandboxLogistics.start(0).callbackSecret(SECRET).defaultCallbackUrl(url())
                .callbackRetry(Duration.ofMillis(100), Duration.ofMillis(400), 20);
        connection = bus.connectionFactory().createConnection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        businessEvents = session.createConsumer(session.createTopic(BusAddress.BUSINESS_EVENTS));
        connection.start();
    }

    @AfterEach
    void stop() throws Exception {
        logistics.close();
        server.stop(0);
        connection.close();
        bus.deactivate();
        broker.close();
        db.close();
    }

    /** The callback judgement on plain HTTP, as the servlet passes it on. */
    static HttpServer serve(Callbacks callbacks) throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        s.createContext(LogisticsConnector.CALLBACK_PATH, exchange -> {
            try (exchange) {
                Callbacks.Answer a = callbacks.receive(exchange.getRequestHeaders().getFirst(LogisticsConnector.CALLBACK_TIMESTAMP),
                        exchange.getRequestHeaders().getFirst(LogisticsConnector.CALLBACK_SIGNATURE),
                        exchange.getRequestBody().readAllBytes(), Instant.now());
                byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", a.contentType());
                exchange.sendResponseHeaders(a.status(), bytes.length);
                exchange.getResponseBody().write(bytes);
            }
        });
        s.start();
        return s;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + LogisticsConnector.CALLBACK_PATH;
    }

    HttpResponse<String> post(String body, String timestamp, String signature) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url())).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (timestamp != null) {
            b.header(LogisticsConnector.CALLBACK_TIMESTAMP, timestamp);
        }
        if (signature != null) {
            b.header(LogisticsConnector.CALLBACK_SIGNATURE, signature);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    HttpResponse<String> signed(String body, Instant at) throws Exception {
        String ts = Long.toString(at.getEpochSecond());
        return post(body, ts, SandboxLogistics.sign(SECRET, ts, body.getBytes(StandardCharsets.UTF_8)));
    }

    List<BusinessEvent> published(long timeoutMs) throws Exception {
        List<BusinessEvent> seen = new ArrayList<>();
        long end = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < end) {
            TextMessage m = (TextMessage) businessEvents.receive(100);
            if (m != null) {
                seen.add(json.fromJson(m.getText(), BusinessEvent.class));
            }
        }
        return seen;
    }

    static String pickup(String reference) {
        return "{\"reference\":\"" + reference + "\",\"address\":\"深圳市南山区科技园\"}";
    }

    String book(String reference) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(logistics.url() + "/pickups"))
                .header("Authorization", "Bearer " + logistics.apiKey()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(pickup(reference), StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertEquals(201, r.statusCode(), r.body());
        return (String) ((Map<?, ?>) json.fromJson(r.body(), Map.class)).get("trackingNumber");
    }

    @Test
    void theSandboxesSignedCallbackIsOneBusinessEventEvenWhenDeliveredTwice() throws Exception {
        String tracking = book("WO-6001");
        Map<String, Object> delayed = logistics.advance(tracking, "delayed", "2026-11-24T18:00:00Z", "暴雨导致道路封闭", "王师傅");
        long end = System.currentTimeMillis() + 10_000;
        while (logistics.deliveries().isEmpty() && System.currentTimeMillis() < end) {
            Thread.sleep(50);
        }
        assertEquals(List.of(200), logistics.deliveries().stream().map(SandboxLogistics.Delivery::status).toList());
        List<BusinessEvent> events = published(1_000);
        assertEquals(1, events.size(), events.toString());
        BusinessEvent e = events.get(0);
        assertEquals("logistics:" + delayed.get("eventId"), e.id());
        assertEquals("parcel.delayed", e.type());
        assertEquals("logistics", e.source());
        assertEquals(Instant.parse((String) delayed.get("at")), e.time());
        assertEquals(Map.of("tracking", tracking, "reference", "WO-6001", "eta", "2026-11-24T18:00:00Z",
                "reason", "暴雨导致道路封闭", "courier", "王师傅", "at", delayed.get("at")), e.data());
        assertEquals(List.of("workorder:WO-6001"), e.affected(), "the customer is found through our work order");

        // the same callback again, as a courier does when it missed our 200: answered 200, dropped by the bus
        String body = "{\"eventId\":\"" + delayed.get("eventId") + "\",\"event\":\"delayed\",\"trackingNumber\":\"" + tracking
                + "\",\"reference\":\"WO-6001\",\"eta\":\"2026-11-24T18:00:00Z\",\"reason\":\"暴雨导致道路封闭\",\"courier\":\"王师傅\","
                + "\"at\":\"" + delayed.get("at") + "\"}";
        HttpResponse<String> again = signed(body, Instant.now());
        assertEquals(200, again.statusCode(), again.body());
        HttpResponse<String> third = signed(body, Instant.now().minusSeconds(60));
        assertEquals(200, third.statusCode(), third.body());
        assertEquals(List.of(), published(1_000), "a retried callback is the same event");
    }

    @Test
    void theSameSignedCallbackIsTakenOnceAndAReplayIsAnsweredWithNothingPublished() throws Exception {
        String body = "{\"eventId\":\"evt-9\",\"event\":\"delayed\",\"trackingNumber\":\"LG9\",\"reference\":\"WO-6009\","
                + "\"reason\":\"台风\",\"at\":\"2026-11-23T10:00:00Z\"}";
        String ts = Long.toString(Instant.now().getEpochSecond());
        String sig = SandboxLogistics.sign(SECRET, ts, body.getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> first = post(body, ts, sig);
        assertEquals(200, first.statusCode(), first.body());
        assertEquals(List.of("logistics:evt-9"), published(1_000).stream().map(BusinessEvent::id).toList());

        HttpResponse<String> replay = post(body, ts, sig);
        assertEquals(200, replay.statusCode(), replay.body());
        assertEquals(Boolean.TRUE, json.fromJson(replay.body(), Map.class).get("duplicate"), replay.body());
        // another node, or this one after a restart, keeps the same memory: it is the database's
        Callbacks elsewhere = new Callbacks(bus, json, LogisticsConnector.signature(SECRET, Duration.ofSeconds(300),
                new DatabaseNonces(new JdbcStore(db.dataSource()))));
        assertEquals(Boolean.TRUE, json.fromJson(elsewhere.receive(ts, sig, body.getBytes(StandardCharsets.UTF_8), Instant.now()).body(),
                Map.class).get("duplicate"));
        assertEquals(List.of(), published(1_000), "a replay publishes nothing");
    }

    @Test
    void everyStepBecomesItsParcelEvent() throws Exception {
        String tracking = book("WO-6002");
        logistics.advance(tracking, "picked_up", null, null, "李师傅");
        logistics.advance(tracking, "delivered", null, null, "李师傅");
        String other = book("WO-6003");
        logistics.advance(other, "cancelled", null, "客户取消", null);
        List<BusinessEvent> events = published(3_000);
        assertEquals(List.of("parcel.cancelled", "parcel.delivered", "parcel.picked-up"),
                events.stream().map(BusinessEvent::type).sorted().toList());
        BusinessEvent cancelled = events.stream().filter(e -> e.type().equals("parcel.cancelled")).findFirst().orElseThrow();
        assertEquals("客户取消", cancelled.data().get("reason"));
        assertEquals("", cancelled.data().get("courier"), "every key is there, empty when the courier did not say");
        assertEquals(3, logistics.deliveries().size());
    }

    @Test
    void aBadMissingOrStaleSignatureIs401AndNothingOnTheBus() throws Exception {
        String body = "{\"eventId\":\"evt-1\",\"event\":\"delivered\",\"trackingNumber\":\"LG1\",\"at\":\"2026-11-23T10:00:00Z\"}";
        String ts = Long.toString(Instant.now().getEpochSecond());

        HttpResponse<String> forged = post(body, ts, SandboxLogistics.sign("another-secret", ts, body.getBytes(StandardCharsets.UTF_8)));
        assertEquals(401, forged.statusCode());
        assertTrue(forged.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        Map<?, ?> problem = json.fromJson(forged.body(), Map.class);
        assertEquals("Unauthorized", problem.get("title"));
        assertEquals("the signature does not match", problem.get("detail"));
        assertEquals("about:blank", problem.get("type"));
        assertEquals(401, ((Number) problem.get("status")).intValue());

        String tampered = body.replace("delivered", "cancelled");
        assertEquals(401, post(tampered, ts, SandboxLogistics.sign(SECRET, ts, body.getBytes(StandardCharsets.UTF_8))).statusCode(),
                "the body is signed");
        assertEquals(401, post(body, null, null).statusCode());
        assertEquals(401, post(body, ts, null).statusCode());
        assertEquals(401, post(body, ts, "sha256=zz").statusCode());

        HttpResponse<String> stale = signed(body, Instant.now().minusSeconds(400));
        assertEquals(401, stale.statusCode());
        assertTrue(stale.body().contains("more than 300 s away"), stale.body());
        assertEquals(401, signed(body, Instant.now().plusSeconds(400)).statusCode(), "nor from the future");

        callbacks.configure(LogisticsConnector.signature("", Duration.ofSeconds(300), nonces));
        HttpResponse<String> noSecret = signed(body, Instant.now());
        assertEquals(401, noSecret.statusCode());
        assertTrue(noSecret.body().contains("no callbackSecret"), noSecret.body());
        assertEquals(List.of(), published(1_000));
    }

    @Test
    void aSignedButMalformedOrUnknownCallbackIs400() throws Exception {
        HttpResponse<String> malformed = signed("{\"eventId\":\"evt-2\",", Instant.now());
        assertEquals(400, malformed.statusCode());
        assertTrue(malformed.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        assertEquals(400, signed("[1,2]", Instant.now()).statusCode());
        HttpResponse<String> unknown = signed("{\"eventId\":\"evt-3\",\"event\":\"lost\",\"trackingNumber\":\"LG1\","
                + "\"at\":\"2026-11-23T10:00:00Z\"}", Instant.now());
        assertEquals(400, unknown.statusCode());
        assertTrue(unknown.body().contains("event must be one of"), unknown.body());
        assertEquals(400, signed("{\"eventId\":\"evt-4\",\"event\":\"delayed\",\"trackingNumber\":\"LG1\",\"at\":\"yesterday\"}",
                Instant.now()).statusCode());
        assertEquals(400, signed("{\"event\":\"delayed\",\"trackingNumber\":\"LG1\",\"at\":\"2026-11-23T10:00:00Z\"}",
                Instant.now()).statusCode());
        assertEquals(List.of(), published(1_000));
    }

    @Test
    void whenTheBusDoesNotTakeTheEventTheCourierGets503ToCallBackLater() throws Exception {
        ArtemisBus nowhere = ArtemisBus.connect("amqp://127.0.0.1:" + TestBroker.freePort(), "test", "test");
        Callbacks cut = new Callbacks(nowhere, json, LogisticsConnector.signature(SECRET, Duration.ofSeconds(300), nonces));
        HttpServer cutServer = serve(cut);
        try {
            String body = "{\"eventId\":\"evt-5\",\"event\":\"picked_up\",\"trackingNumber\":\"LG1\",\"at\":\"2026-11-23T10:00:00Z\"}";
            String ts = Long.toString(Instant.now().getEpochSecond());
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cutServer.getAddress().getPort()
                            + LogisticsConnector.CALLBACK_PATH))
                    .header(LogisticsConnector.CALLBACK_TIMESTAMP, ts)
                    .header(LogisticsConnector.CALLBACK_SIGNATURE, SandboxLogistics.sign(SECRET, ts, body.getBytes(StandardCharsets.UTF_8)))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, r.statusCode(), r.body());
            assertTrue(r.body().contains("call back again"), r.body());
            // the courier's call back of this very request is taken once the bus is back
            HttpResponse<String> again = post(body, ts, SandboxLogistics.sign(SECRET, ts, body.getBytes(StandardCharsets.UTF_8)));
            assertEquals(200, again.statusCode(), again.body());
            assertNull(json.fromJson(again.body(), Map.class).get("duplicate"), again.body());
            assertEquals(List.of("logistics:evt-5"), published(1_000).stream().map(BusinessEvent::id).toList());
        } finally {
            cutServer.stop(0);
            nowhere.deactivate();
        }
    }
}
