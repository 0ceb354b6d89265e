package io.switchboard.sandbox.booking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.switchboard.sandbox.support.Json;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sandbox over real HTTP: its API with the key, its control API, and signed webhooks retried until 2xx. */
class SandboxBookingTest {

    final HttpClient http = HttpClient.newHttpClient();
    SandboxBooking booking;
    HttpServer receiver;
    final List<String[]> received = new CopyOnWriteArrayList<>();
    final AtomicInteger answer = new AtomicInteger(500);

    @BeforeEach
    void start() throws Exception {
        booking = SandboxBooking.start(0).retries(Duration.ofMillis(50), Duration.ofMillis(200));
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        receiver.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new String[] {exchange.getRequestHeaders().getFirst(SandboxBooking.TIMESTAMP_HEADER),
                    exchange.getRequestHeaders().getFirst(SandboxBooking.SIGNATURE_HEADER), new String(body, StandardCharsets.UTF_8)});
            exchange.sendResponseHeaders(answer.get(), -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() {
        booking.close();
        receiver.stop(0);
    }

    HttpResponse<String> call(String method, String path, String body, String key) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(booking.url() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            r.header(SandboxBooking.API_KEY_HEADER, key);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void bookingsAreReadWithTheKeyAndRebookingIsIdempotent() throws Exception {
        assertEquals(201, call("POST", "/sandbox/bookings", "{\"pnr\":\"HX7K2P\",\"passengers\":[{\"name\":\"李娜\",\"phone\":"
                + "\"+8613800000001\",\"email\":\"lina@example.cn\"}],\"segments\":[{\"flight\":\"CA1501\",\"date\":\"2026-11-24\","
                + "\"from\":\"PEK\",\"to\":\"SHA\",\"departs\":\"08:00\"}]}", null).statusCode());
        assertEquals(401, call("GET", "/api/bookings/HX7K2P", null, "wrong").statusCode());
        HttpResponse<String> got = call("GET", "/api/bookings/HX7K2P", null, booking.apiKey());
        assertEquals(200, got.statusCode());
        Map<String, Object> b = Json.parseObject(got.body());
        assertEquals("CONFIRMED", b.get("status"));
        assertTrue(got.body().contains("\"name\":\"李娜\""), got.body());
        assertEquals(404, call("GET", "/api/bookings/NOPE00", null, booking.apiKey()).statusCode());
        assertTrue(call("GET", "/api/bookings?phone=13800000001", null, booking.apiKey()).body().contains("HX7K2P"));
        assertEquals("{\"bookings\":[]}", call("GET", "/api/bookings?phone=13000000000", null, booking.apiKey()).body());

        booking.cancelFlight("CA1501", "2026-11-24", null, "天气原因");
        String options = call("GET", "/api/bookings/HX7K2P/options", null, booking.apiKey()).body();
        assertTrue(options.contains("2026-11-25 08:00 CA1501 改签") && options.contains("全额退款"), options);
        HttpResponse<String> first = call("POST", "/api/bookings/HX7K2P/rebook", "{\"optionId\":\"1\"}", booking.apiKey());
        assertEquals(200, first.statusCode(), first.body());
        assertTrue(first.body().contains("\"status\":\"REBOOKED\"") && first.body().contains("2026-11-25"), first.body());
        assertEquals(first.body(), call("POST", "/api/bookings/HX7K2P/rebook", "{\"optionId\":\"1\"}", booking.apiKey()).body());
        assertEquals(409, call("POST", "/api/bookings/HX7K2P/rebook", "{\"optionId\":\"2\"}", booking.apiKey()).statusCode());
        assertEquals(409, call("POST", "/api/bookings/HX7K2P/refund", null, booking.apiKey()).statusCode());

        booking.failWith(503);
        assertEquals(503, call("GET", "/api/bookings/HX7K2P", null, booking.apiKey()).statusCode());
    }

    @Test
    void aCancelledFlightIsOneSignedEventRetriedUntilTheReceiverTakesIt() throws Exception {
        booking.booking("AAA111", new SandboxBooking.Segment("MU5101", "2026-11-24", "SHA", "PEK", "09:00"),
                new SandboxBooking.Passenger("李娜", "+8613800000001", null, "sms"));
        booking.booking("BBB222", new SandboxBooking.Segment("MU5101", "2026-11-24", "SHA", "PEK", "09:00"),
                new SandboxBooking.Passenger("王伟", null, "wangwei@example.cn", "email"));
        booking.booking("CCC333", new SandboxBooking.Segment("MU5103", "2026-11-24", "SHA", "PEK", "11:00"),
                new SandboxBooking.Passenger("张敏", "+8613700000003", null, null));
        call("POST", "/sandbox/webhook", "{\"url\":\"http://127.0.0.1:" + receiver.getAddress().getPort()
                + "/hook\",\"secret\":\"密钥-s3cret\"}", null);
        HttpResponse<String> cancelled = call("POST", "/sandbox/flights/MU5101/2026-11-24/cancel", "", null);
        assertEquals(202, cancelled.statusCode(), cancelled.body());
        String eventId = (String) Json.parseObject(cancelled.body()).get("eventId");

        long end = System.currentTimeMillis() + 5_000;
        while (received.size() < 3 && System.currentTimeMillis() < end) {
            Thread.sleep(20);
        }
        answer.set(204);
        end = System.currentTimeMillis() + 5_000;
        while (booking.deliveries().stream().noneMatch(d -> d.status() == 204) && System.currentTimeMillis() < end) {
            Thread.sleep(20);
        }
        Thread.sleep(500);
        List<SandboxBooking.Delivery> log = booking.deliveries();
        assertTrue(log.size() >= 4, log.toString());
        assertEquals(1, log.stream().filter(d -> d.status() == 204).count(), "no retry after a 2xx: " + log);
        assertEquals(500, log.get(0).status());
        assertEquals(log.size(), log.get(log.size() - 1).attempt());
        String deliveries = call("GET", "/sandbox/deliveries", null, null).body();
        assertTrue(deliveries.contains(eventId), deliveries);

        String[] last = received.get(received.size() - 1);
        assertEquals(SandboxBooking.sign("密钥-s3cret", last[0], last[2].getBytes(StandardCharsets.UTF_8)), last[1]);
        Map<String, Object> event = Json.parseObject(last[2]);
        assertEquals(eventId, event.get("eventId"));
        assertEquals("flight.cancelled", event.get("type"));
        assertEquals(2, ((List<?>) event.get("passengers")).size(), "both bookings on MU5101, not MU5103");
        assertTrue(last[2].contains("\"name\":\"王伟\"") && last[2].contains("\"preferredChannel\":\"email\""), last[2]);
        assertEquals(2, ((List<?>) event.get("options")).size());
        assertEquals("CANCELLED", booking.get("AAA111").status());
        assertEquals("CONFIRMED", booking.get("CCC333").status());
    }

    @Test
    void aScheduleChangeIsABookingChangedEvent() throws Exception {
        booking.webhook("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook", "k");
        answer.set(200);
        booking.booking("DDD444", new SandboxBooking.Segment("CZ3101", "2026-11-24", "CAN", "PEK", "08:00"),
                new SandboxBooking.Passenger("陈静", "+8613600000004", null, null));
        HttpResponse<String> changed = call("POST", "/sandbox/bookings/DDD444/change", "{\"departs\":\"10:30\"}", null);
        assertEquals(202, changed.statusCode(), changed.body());
        long end = System.currentTimeMillis() + 5_000;
        while (received.isEmpty() && System.currentTimeMillis() < end) {
            Thread.sleep(20);
        }
        Map<String, Object> event = Json.parseObject(received.get(0)[2]);
        assertEquals("booking.changed", event.get("type"));
        assertEquals("DDD444", event.get("pnr"));
        assertEquals("CZ3101 2026-11-24 08:00 改为 CZ3101 2026-11-24 10:30", event.get("change"));
        assertEquals("CHANGED", booking.get("DDD444").status());
    }
}
