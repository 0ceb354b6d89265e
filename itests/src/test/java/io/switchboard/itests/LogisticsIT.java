package io.switchboard.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.sandbox.logistics.SandboxLogistics;
import io.switchboard.testkit.TestBroker;
import io.switchboard.testkit.TestServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The logistics connector on the distribution as built, against the courier sandbox over HTTP: a
 * pickup booked through sb.system.logistics.request with Chinese text, the courier's signed callback
 * for it answered 200 by the server and put on sb.business-events as parcel.*, and forged or
 * unsigned callbacks refused with 401 before anything reaches the bus.
 */
class LogisticsIT {

    static final String PASSWORD = "It-" + UUID.randomUUID();
    static final String API_KEY = "key-" + UUID.randomUUID();
    static final String SECRET = "cb-" + UUID.randomUUID();
    static final String CALLBACKS = "/switchboard/systems/logistics/callbacks";
    static final String REPLIES = "sb.system.reply.it-logistics";
    static final Duration WAIT = Duration.ofSeconds(30);

    static SandboxLogistics logistics;
    static TestServer server;
    static final HttpClient http = HttpClient.newHttpClient();
    Connection bus;
    Session session;
    MessageConsumer businessEvents;

    @BeforeAll
    static void boot() {
        logistics = SandboxLogistics.start(TestBroker.freePort()).apiKey(API_KEY).callbackSecret(SECRET)
                .callbackRetry(Duration.ofMillis(200), Duration.ofSeconds(1), 30);
        server = Distribution.unpack(PASSWORD);
        server.configure("io.switchboard.system.logistics", "endpoint", logistics.url())
                .configure("io.switchboard.system.logistics", "apiKey", API_KEY)
                .configure("io.switchboard.system.logistics", "callbackSecret", SECRET)
                .configure("io.switchboard.system.logistics", "callbackBaseUrl", "http://127.0.0.1:" + server.httpPort())
                .configure("io.switchboard.system.logistics", "retryFirstMillis", "200")
                .configure("io.switchboard.system.logistics", "retryMaxSeconds", "1")
                .requireRoutes("switchboard-logistics/logistics-requests");
        server.start();
        // the routes run before the HTTP whiteboard serves the servlet: an unsigned POST is 401 once it is there
        Api.await("the callback endpoint", WAIT, () -> {
            try {
                return post("{}", null, null).statusCode() == 401;
            } catch (IllegalStateException notListeningYet) {
                return false;
            }
        });
    }

    @AfterAll
    static void shutDown() {
        if (server != null) {
            server.stop();
        }
        if (logistics != null) {
            logistics.close();
        }
    }

    @BeforeEach
    void subscribe() throws Exception {
        bus = new JmsConnectionFactory(TestServer.ADMIN, PASSWORD, server.busUrl()).createConnection();
        session = bus.createSession(false, Session.AUTO_ACKNOWLEDGE);
        businessEvents = session.createConsumer(session.createTopic("sb.business-events"));
        bus.start();
    }

    @AfterEach
    void unsubscribe() throws Exception {
        bus.close();
    }

    static HttpResponse<String> post(String body, String timestamp, String signature) {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.url(CALLBACKS)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (timestamp != null) {
            b.header(SandboxLogistics.TIMESTAMP, timestamp);
        }
        if (signature != null) {
            b.header(SandboxLogistics.SIGNATURE, signature);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonObject json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    List<JsonObject> published(long timeoutMs) throws Exception {
        List<JsonObject> seen = new ArrayList<>();
        long end = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < end) {
            TextMessage m = (TextMessage) businessEvents.receive(100);
            if (m != null) {
                seen.add(json(m.getText()));
            }
        }
        return seen;
    }

    @Test
    void aForgedOrUnsignedCallbackIs401AndASignedOneIsOneBusinessEvent() throws Exception {
        String eventId = "evt-" + UUID.randomUUID();
        String body = "{\"eventId\":\"" + eventId + "\",\"event\":\"delayed\",\"trackingNumber\":\"LG900000001\","
                + "\"reference\":\"WO-IT-1\",\"eta\":\"2026-11-24T18:00:00Z\",\"reason\":\"暴雨导致道路封闭\",\"courier\":\"王师傅\","
                + "\"at\":\"2026-11-23T10:00:00Z\"}";
        String ts = Long.toString(Instant.now().getEpochSecond());

        HttpResponse<String> forged = post(body, ts, SandboxLogistics.sign("not-the-secret", ts, body.getBytes(StandardCharsets.UTF_8)));
        assertEquals(401, forged.statusCode(), forged.body());
        assertTrue(forged.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                forged.headers().toString());
        JsonObject problem = json(forged.body());
        assertEquals(401, problem.getInt("status"));
        assertEquals("Unauthorized", problem.getString("title"));
        assertEquals("the signature does not match", problem.getString("detail"));

        HttpResponse<String> unsigned = post(body, null, null);
        assertEquals(401, unsigned.statusCode());
        assertTrue(json(unsigned.body()).getString("detail").contains("headers are required"), unsigned.body());
        String stale = Long.toString(Instant.now().minusSeconds(3600).getEpochSecond());
        assertEquals(401, post(body, stale, SandboxLogistics.sign(SECRET, stale, body.getBytes(StandardCharsets.UTF_8))).statusCode());
        assertEquals(List.of(), published(1_000), "nothing refused reaches the bus");

        HttpResponse<String> signed = post(body, ts, SandboxLogistics.sign(SECRET, ts, body.getBytes(StandardCharsets.UTF_8)));
        assertEquals(200, signed.statusCode(), signed.body());
        assertEquals(200, post(body, ts, SandboxLogistics.sign(SECRET, ts, body.getBytes(StandardCharsets.UTF_8))).statusCode(),
                "a repeat is answered 200 too");
        List<JsonObject> events = published(2_000);
        assertEquals(1, events.size(), events.toString());
        JsonObject e = events.get(0);
        assertEquals("logistics:" + eventId, e.getString("id"));
        assertEquals("parcel.delayed", e.getString("type"));
        assertEquals("logistics", e.getString("source"));
        JsonObject data = e.getJsonObject("data");
        assertEquals("LG900000001", data.getString("tracking"));
        assertEquals("WO-IT-1", data.getString("reference"));
        assertEquals("暴雨导致道路封闭", data.getString("reason"));

        String malformed = "{\"eventId\":";
        assertEquals(400, post(malformed, ts, SandboxLogistics.sign(SECRET, ts, malformed.getBytes(StandardCharsets.UTF_8)))
                .statusCode());
    }

    @Test
    void aPickupBookedThroughTheBusIsCalledBackByTheCourierAndTheServerTakesIt() throws Exception {
        String id = "it-" + UUID.randomUUID();
        String reference = "WO-IT-" + UUID.randomUUID().toString().substring(0, 8);
        String request = Json.createObjectBuilder().add("id", id).add("system", "logistics").add("operation", "CreatePickup")
                .add("params", Json.createObjectBuilder().add("reference", reference).add("name", "韩梅梅")
                        .add("phone", "+8613900139000").add("address", "北京市朝阳区建国路88号 3单元1201")
                        .add("window", "2026-11-24 09:00-12:00").add("description", "旧机顶盒和光猫").add("weightKg", "35")
                        .add("sizeCm", "80x60x50").add("vehicle", "van").add("packaging", "large-bag")
                        .add("requirements", "需要厢式货车和大号行李袋 / needs a van and a large bag"))
                .add("replyTo", REPLIES).add("requestedAt", Instant.now().toString()).build().toString();
        try (MessageProducer p = session.createProducer(session.createQueue("sb.system.logistics.request"))) {
            TextMessage m = session.createTextMessage(request);
            m.setStringProperty("_AMQ_DUPL_ID", id);
            m.setStringProperty("sbPayloadType", "SystemRequest");
            p.send(m);
        }
        JsonObject reply;
        try (MessageConsumer replies = session.createConsumer(session.createQueue(REPLIES))) {
            TextMessage m = (TextMessage) replies.receive(WAIT.toMillis());
            assertTrue(m != null, "a reply to CreatePickup");
            reply = json(m.getText());
        }
        assertEquals("OK", reply.getString("status"), reply.toString());
        String tracking = reply.getJsonObject("data").getString("trackingNumber");
        assertEquals("需要厢式货车和大号行李袋 / needs a van and a large bag", reply.getJsonObject("data").getString("requirements"));
        Map<String, Object> booked = logistics.pickup(tracking).orElseThrow();
        assertEquals("北京市朝阳区建国路88号 3单元1201", booked.get("address"));
        assertEquals("http://127.0.0.1:" + server.httpPort() + CALLBACKS, booked.get("callbackUrl"));

        Map<String, Object> pickedUp = logistics.advance(tracking, "picked_up", null, null, "王师傅");
        List<SandboxLogistics.Delivery> log = Api.await("the courier's callback delivered", WAIT, () -> {
            List<SandboxLogistics.Delivery> d = logistics.deliveries().stream()
                    .filter(x -> x.eventId().equals(pickedUp.get("eventId"))).toList();
            return d.stream().anyMatch(SandboxLogistics.Delivery::delivered) ? d : null;
        });
        assertEquals(200, log.get(log.size() - 1).status(), log.toString());
        List<JsonObject> events = published(2_000);
        assertEquals(1, events.size(), events.toString());
        assertEquals("parcel.picked-up", events.get(0).getString("type"));
        assertEquals("logistics:" + pickedUp.get("eventId"), events.get(0).getString("id"));
        assertEquals(reference, events.get(0).getJsonObject("data").getString("reference"));
        assertEquals(tracking, events.get(0).getJsonObject("data").getString("tracking"));
        assertEquals("王师傅", events.get(0).getJsonObject("data").getString("courier"));
    }
}
