package io.switchboard.system.booking.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.switchboard.api.BusAddress;
import io.switchboard.api.BusinessEvent;
import io.switchboard.api.CanonicalJson;
import io.switchboard.bus.internal.ArtemisBus;
import io.switchboard.rest.Problem;
import io.switchboard.rest.RequestSignature;
import io.switchboard.sandbox.booking.SandboxBooking;
import io.switchboard.store.Nonces;
import io.switchboard.store.internal.DatabaseNonces;
import io.switchboard.store.internal.JdbcStore;
import io.switchboard.testkit.TestBroker;
import io.switchboard.testkit.TestDatabase;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.OutputStream;
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
 * Webhooks from the booking sandbox over HTTP into the receiving end, on a real broker: a genuine
 * event is one business event however often it comes; a bad signature, a stale timestamp or a body
 * that is not an event leave nothing on the bus; a bus that is down is a 503 the sender retries.
 */
class BookingEventsTest {

    /** What a sender reads of a problem document. */
    public record ProblemBody(String type, String title, int status, String detail) {
    }

    static final String SECRET = "webhook-密钥-42-0123456789abcdef-0123";

    final CanonicalJson json = new CanonicalJson();
    final HttpClient http = HttpClient.newHttpClient();
    TestBroker broker;
    TestDatabase db;
    Nonces nonces;
    ArtemisBus bus;
    SandboxBooking booking;
    BookingEvents events;
    HttpServer receiver;
    Connection connection;
    MessageConsumer businessEvents;

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start();
        db = TestDatabase.h2();
        nonces = new DatabaseNonces(new JdbcStore(db.dataSource()));
        bus = ArtemisBus.connect(broker.amqpUrl(), "test", "test");
        connection = bus.connectionFactory().createConnection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        businessEvents = session.createConsumer(session.createTopic(BusAddress.BUSINESS_EVENTS));
        connection.start();
        events = new BookingEvents(bus, json, BookingConnector.signature(SECRET, Duration.ofSeconds(300), nonces));
        receiver = serve(events);
        booking = SandboxBooking.start(0).retries(Duration.ofMillis(100), Duration.ofMillis(400))
                .webhook("http://127.0.0.1:" + receiver.getAddress().getPort() + BookingConnector.EVENTS_PATH, SECRET);
        SandboxBooking.Segment ca1501 = new SandboxBooking.Segment("CA1501", "2026-11-24", "PEK", "SHA", "08:00");
        booking.booking("HX7K2P", ca1501, new SandboxBooking.Passenger("李娜", "+8613800000001", "lina@example.cn", "sms"));
        booking.booking("MZ9Q4D", ca1501, new SandboxBooking.Passenger("王伟", "13900000002", "wangwei@example.cn", "email"),
                new SandboxBooking.Passenger("张敏", "0086 137-0000-0003", null, null),
                new SandboxBooking.Passenger("无联系方式", null, null, null));
    }

    /** The receiving end on a plain HTTP server, as the servlet puts it on Karaf's. */
    static HttpServer serve(BookingEvents events) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        server.createContext(BookingConnector.EVENTS_PATH, exchange -> {
            BookingEvents.Answer a;
            try {
                a = events.receive(exchange.getRequestHeaders().getFirst(BookingConnector.WEBHOOK_TIMESTAMP),
                    exchange.getRequestHeaders().getFirst(BookingConnector.WEBHOOK_SIGNATURE), exchange.getRequestBody().readAllBytes(),
                    Instant.now());
            } catch (RuntimeException e) {
                e.printStackTrace();
                throw e;
            }
            byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", a.contentType());
            exchange.sendResponseHeaders(a.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }

    @AfterEach
    void stop() throws Exception {
        booking.close();
        receiver.stop(0);
        connection.close();
        bus.deactivate();
        broker.close();
        db.close();
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

    List<SandboxBooking.Delivery> deliveriesOf(String eventId, int count) throws InterruptedException {
        long end = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < end) {
            List<SandboxBooking.Delivery> d = booking.deliveries().stream().filter(x -> x.eventId().equals(eventId)).toList();
            if (d.size() >= count) {
                return d;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("fewer than " + count + " deliveries of " + eventId + ": " + booking.deliveries());
    }

    HttpResponse<String> post(String timestamp, String signature, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + receiver.getAddress().getPort()
                + BookingConnector.EVENTS_PATH)).POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (timestamp != null) {
            r.header(BookingConnector.WEBHOOK_TIMESTAMP, timestamp);
        }
        if (signature != null) {
            r.header(BookingConnector.WEBHOOK_SIGNATURE, signature);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void aCancelledFlightIsOneBusinessEventEvenWhenDeliveredTwice() throws Exception {
        String eventId = booking.cancelFlight("CA1501", "2026-11-24", List.of(
                new SandboxBooking.Option("1", "明天 08:00 CA1502", "CA1502", "2026-11-25", "08:00"),
                new SandboxBooking.Option("2", "全额退款", null, null, null)), "天气原因");
        assertEquals(200, deliveriesOf(eventId, 1).get(0).status());
        booking.redeliver(eventId);
        List<SandboxBooking.Delivery> both = deliveriesOf(eventId, 2);
        assertEquals(List.of(200, 200), both.stream().map(SandboxBooking.Delivery::status).toList(),
                "the repeat is answered 200 too, or the booking system would retry it for ever");

        List<BusinessEvent> seen = published(1_500);
        assertEquals(1, seen.size(), "one event on the bus: " + seen);
        BusinessEvent e = seen.get(0);
        assertEquals("booking:" + eventId, e.id());
        assertEquals("flight.cancelled", e.type());
        assertEquals("booking", e.source());
        assertEquals("CA1501", e.data().get("flight"));
        assertEquals("2026-11-24", e.data().get("date"));
        assertEquals("1) 明天 08:00 CA1502 2) 全额退款", e.data().get("options"));
        assertEquals("天气原因", e.data().get("reason"));
        assertEquals("4", e.data().get("passengers"));
        assertEquals("1", e.data().get("uncontactable"));
        assertTrue(e.data().get("pnrs").contains("HX7K2P") && e.data().get("pnrs").contains("MZ9Q4D"), e.data().toString());
        assertEquals(List.of("sms:+8613800000001", "email:wangwei@example.cn", "sms:+8613700000003"),
                e.affected().stream().sorted((a, b) -> order(a) - order(b)).toList());
    }

    private static int order(String contact) {
        return contact.contains("138") ? 0 : contact.contains("wangwei") ? 1 : 2;
    }

    @Test
    void aScheduleChangeIsABookingChangedEventForThatBookingsTravellers() throws Exception {
        String eventId = booking.changeBooking("MZ9Q4D", null, null, "10:30", null, null);
        assertEquals(200, deliveriesOf(eventId, 1).get(0).status());
        BusinessEvent e = published(1_000).get(0);
        assertEquals("booking.changed", e.type());
        assertEquals("MZ9Q4D", e.data().get("pnr"));
        assertEquals("CA1501 2026-11-24 08:00 改为 CA1501 2026-11-24 10:30", e.data().get("change"));
        assertEquals("1) 接受新时间 2026-11-24 10:30 CA1501 2) 全额退款", e.data().get("options"));
        assertEquals(2, e.affected().size(), e.affected().toString());
    }

    @Test
    void aBadSignatureAStaleTimestampAndAMalformedBodyLeaveNothingOnTheBus() throws Exception {
        String body = "{\"eventId\":\"evt-1\",\"type\":\"flight.cancelled\",\"flight\":\"CA1501\",\"date\":\"2026-11-24\","
                + "\"passengers\":[{\"pnr\":\"HX7K2P\",\"name\":\"李娜\",\"phone\":\"+8613800000001\"}],"
                + "\"options\":[{\"id\":\"1\",\"text\":\"全额退款\"}]}";
        RequestSignature wrong = BookingConnector.signature("not-the-secret-0123456789abcdef-0123456", Duration.ofSeconds(300), nonces);
        RequestSignature right = BookingConnector.signature(SECRET, Duration.ofSeconds(300), nonces);
        String now = Long.toString(Instant.now().getEpochSecond());
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> badSignature = post(now, wrong.sign(now, bytes), body);
        assertEquals(401, badSignature.statusCode());
        assertTrue(badSignature.headers().firstValue("Content-Type").orElse("").startsWith(Problem.MEDIA_TYPE));
        assertEquals("the signature does not match", json.fromJson(badSignature.body(), ProblemBody.class).detail());
        assertEquals(401, post(null, null, body).statusCode(), "unsigned");
        String tampered = body.replace("全额退款", "免费升舱");
        assertEquals(401, post(now, right.sign(now, bytes), tampered).statusCode(), "signed, then changed");

        String stale = Long.toString(Instant.now().minusSeconds(301).getEpochSecond());
        HttpResponse<String> old = post(stale, right.sign(stale, bytes), body);
        assertEquals(401, old.statusCode());
        assertTrue(old.body().contains("away from the server's clock"), old.body());

        for (String malformed : List.of("{\"eventId\":\"evt-2\",\"type\":", "[1,2]",
                "{\"eventId\":\"evt-3\",\"type\":\"flight.delayed\",\"flight\":\"CA1501\",\"date\":\"2026-11-24\"}",
                "{\"eventId\":\"evt-4\",\"type\":\"flight.cancelled\",\"date\":\"2026-11-24\"}",
                "{\"eventId\":\"evt-5\",\"type\":\"flight.cancelled\",\"flight\":\"CA1501\",\"date\":\"2026-11-24\",\"options\":\"全额退款\"}")) {
            byte[] m = malformed.getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> r = post(now, right.sign(now, m), malformed);
            assertEquals(400, r.statusCode(), malformed + " -> " + r.body());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith(Problem.MEDIA_TYPE));
        }
        assertEquals(List.of(), published(1_000));

        assertEquals(200, post(now, right.sign(now, bytes), body).statusCode(), "the genuine one still goes");
        assertEquals("booking:evt-1", published(1_000).get(0).id());

        HttpResponse<String> replayed = post(now, right.sign(now, bytes), body);
        assertEquals(200, replayed.statusCode(), "a replay is answered as taken");
        assertEquals(Boolean.TRUE, json.fromJson(replayed.body(), Map.class).get("duplicate"), replayed.body());
        assertEquals(List.of(), published(1_000), "and publishes nothing");
    }

    @Test
    void aBusThatIsDownIsA503AndTheBookingSystemTriesAgain() throws Exception {
        ArtemisBus nowhere = ArtemisBus.connect("amqp://127.0.0.1:" + TestBroker.freePort(), "test", "test");
        BookingEvents down = new BookingEvents(nowhere, json, BookingConnector.signature(SECRET, Duration.ofSeconds(300), nonces));
        HttpServer downReceiver = serve(down);
        try {
            booking.webhook("http://127.0.0.1:" + downReceiver.getAddress().getPort() + BookingConnector.EVENTS_PATH, SECRET);
            String eventId = booking.cancelFlight("CA1501", "2026-11-24", null, null);
            List<SandboxBooking.Delivery> refused = deliveriesOf(eventId, 2);
            assertEquals(503, refused.get(0).status());
            assertEquals(503, refused.get(1).status());
            assertEquals(List.of(), published(500));

            booking.webhook("http://127.0.0.1:" + receiver.getAddress().getPort() + BookingConnector.EVENTS_PATH, SECRET);
            long end = System.currentTimeMillis() + 10_000;
            while (booking.deliveries().stream().noneMatch(d -> d.eventId().equals(eventId) && d.status() == 200)
                    && System.currentTimeMillis() < end) {
                Thread.sleep(20);
            }
            List<BusinessEvent> seen = published(1_000);
            assertEquals(1, seen.size(), seen.toString());
            assertEquals("booking:" + eventId, seen.get(0).id());
            assertEquals("1) 2026-11-25 08:00 CA1501 改签 2) 全额退款", seen.get(0).data().get("options"));
        } finally {
            downReceiver.stop(0);
            nowhere.deactivate();
        }
    }
}
