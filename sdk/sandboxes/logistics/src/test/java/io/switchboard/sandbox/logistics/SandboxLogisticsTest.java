package io.switchboard.sandbox.logistics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.switchboard.sandbox.support.Json;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sandbox over real HTTP, as the connector and a test would speak to it; its callbacks received by a real server. */
class SandboxLogisticsTest {

    final HttpClient http = HttpClient.newHttpClient();
    SandboxLogistics logistics;
    HttpServer receiver;
    final List<Map<String, String>> received = new CopyOnWriteArrayList<>();
    final AtomicInteger refuseFirst = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        logistics = SandboxLogistics.start(0).callbackRetry(Duration.ofMillis(100), Duration.ofMillis(400), 10);
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        receiver.createContext("/callbacks", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                received.add(Map.of("body", new String(body, StandardCharsets.UTF_8),
                        "timestamp", exchange.getRequestHeaders().getFirst(SandboxLogistics.TIMESTAMP),
                        "signature", exchange.getRequestHeaders().getFirst(SandboxLogistics.SIGNATURE)));
                int status = refuseFirst.getAndDecrement() > 0 ? 500 : 204;
                exchange.sendResponseHeaders(status, -1);
            }
        });
        receiver.start();
    }

    @AfterEach
    void stop() {
        logistics.close();
        receiver.stop(0);
    }

    String callbackUrl() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/callbacks";
    }

    HttpResponse<String> call(String method, String url, String body, String apiKey) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json; charset=utf-8")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (apiKey != null) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    HttpResponse<String> book(String json) throws Exception {
        return call("POST", logistics.url() + "/pickups", json, logistics.apiKey());
    }

    static Map<String, Object> object(HttpResponse<String> response) {
        return Json.parseObject(response.body());
    }

    static String hmac(String secret, String timestamp, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void booksAPickupWithChineseTextOnceByItsReference() throws Exception {
        String pickup = "{\"reference\":\"WO-1001\",\"name\":\"李雷\",\"phone\":\"+8613800138000\",\"address\":\"上海市浦东新区世纪大道100号\","
                + "\"window\":\"2026-11-24 14:00-16:00\",\"description\":\"旧路由器和光猫\",\"weightKg\":12.5,\"sizeCm\":\"60x40x40\","
                + "\"vehicle\":\"van\",\"packaging\":\"large-bag\",\"requirements\":\"需要厢式货车和大号行李袋 / needs a van and a large bag\","
                + "\"callbackUrl\":\"" + callbackUrl() + "\"}";
        HttpResponse<String> created = book(pickup);
        assertEquals(201, created.statusCode(), created.body());
        Map<String, Object> p = object(created);
        String tracking = (String) p.get("trackingNumber");
        assertTrue(tracking.matches("LG\\d{9}"), tracking);
        assertEquals("accepted", p.get("status"));
        assertEquals("van", p.get("vehicle"));
        assertEquals("large-bag", p.get("packaging"));
        assertEquals("需要厢式货车和大号行李袋 / needs a van and a large bag", p.get("requirements"));
        assertTrue(((String) p.get("eta")).endsWith("Z"), created.body());

        HttpResponse<String> again = book(pickup);
        assertEquals(200, again.statusCode(), "the reference is the idempotency key");
        assertEquals(tracking, object(again).get("trackingNumber"));
        assertEquals(1, logistics.pickups().size());

        HttpResponse<String> read = call("GET", logistics.url() + "/pickups/" + tracking, null, logistics.apiKey());
        assertEquals(200, read.statusCode());
        assertEquals("上海市浦东新区世纪大道100号", object(read).get("address"));
        assertEquals(List.of(), object(read).get("events"));

        HttpResponse<String> anonymous = call("POST", logistics.url() + "/pickups", pickup, null);
        assertEquals(401, anonymous.statusCode());
        assertEquals("unauthorized", object(anonymous).get("code"));
        assertEquals(401, call("GET", logistics.url() + "/pickups/" + tracking, null, "wrong").statusCode());
    }

    @Test
    void refusesWhatACourierRefusesWithACodeAndAMessage() throws Exception {
        HttpResponse<String> noAddress = book("{\"reference\":\"WO-2001\",\"vehicle\":\"car\"}");
        assertEquals(400, noAddress.statusCode());
        assertEquals("missing_field", object(noAddress).get("code"));
        assertEquals("address is required", object(noAddress).get("message"));

        HttpResponse<String> truck = book("{\"reference\":\"WO-2002\",\"address\":\"北京\",\"vehicle\":\"truck\"}");
        assertEquals(400, truck.statusCode());
        assertEquals("invalid_vehicle", object(truck).get("code"));

        HttpResponse<String> heavy = book("{\"reference\":\"WO-2003\",\"address\":\"北京\",\"vehicle\":\"bike\",\"weightKg\":\"12\"}");
        assertEquals(400, heavy.statusCode());
        assertEquals("overweight", object(heavy).get("code"));
        assertEquals("a bike carries at most 10 kg, not 12 kg", object(heavy).get("message"));

        assertEquals("invalid_packaging", object(book("{\"reference\":\"WO-2004\",\"address\":\"北京\",\"packaging\":\"box\"}")).get("code"));
        assertEquals("invalid_size", object(book("{\"reference\":\"WO-2005\",\"address\":\"北京\",\"sizeCm\":\"big\"}")).get("code"));
        assertEquals("invalid_json", object(book("{\"reference\":")).get("code"));
        assertEquals(201, book("{\"reference\":\"WO-2003\",\"address\":\"北京\",\"vehicle\":\"bike\",\"weightKg\":9.5}").statusCode(),
                "a refused reference is not booked, so it can be booked right");

        HttpResponse<String> unknown = call("GET", logistics.url() + "/pickups/LG1", null, logistics.apiKey());
        assertEquals(404, unknown.statusCode());
        assertEquals("not_found", object(unknown).get("code"));
    }

    @Test
    void callsBackEveryStepSignedAndRetriesUntilItGetsA2xx() throws Exception {
        logistics.callbackSecret("共享-secret");
        String tracking = (String) object(book("{\"reference\":\"WO-3001\",\"address\":\"杭州\",\"callbackUrl\":\""
                + callbackUrl() + "\"}")).get("trackingNumber");
        refuseFirst.set(2);
        HttpResponse<String> advanced = call("POST", logistics.controlUrl() + "/pickups/" + tracking + "/events",
                "{\"event\":\"delayed\",\"eta\":\"2026-11-24T10:00:00Z\",\"reason\":\"暴雨\",\"courier\":\"王师傅\"}", null);
        assertEquals(200, advanced.statusCode(), advanced.body());
        String eventId = (String) object(advanced).get("eventId");

        long end = System.currentTimeMillis() + 10_000;
        while (logistics.deliveries().stream().noneMatch(SandboxLogistics.Delivery::delivered) && System.currentTimeMillis() < end) {
            Thread.sleep(50);
        }
        List<Integer> statuses = logistics.deliveries().stream().map(SandboxLogistics.Delivery::status).toList();
        assertEquals(List.of(500, 500, 204), statuses, "retried until a 2xx, then no more");
        assertEquals(3, received.size());
        Map<String, String> last = received.get(2);
        assertEquals(received.get(0).get("body"), last.get("body"), "every attempt carries the same event");
        assertEquals(hmac("共享-secret", last.get("timestamp"), last.get("body")), last.get("signature"));
        Map<String, Object> callback = Json.parseObject(last.get("body"));
        assertEquals(eventId, callback.get("eventId"));
        assertEquals("delayed", callback.get("event"));
        assertEquals(tracking, callback.get("trackingNumber"));
        assertEquals("WO-3001", callback.get("reference"));
        assertEquals("2026-11-24T10:00:00Z", callback.get("eta"));
        assertEquals("暴雨", callback.get("reason"));
        assertEquals("王师傅", callback.get("courier"));

        HttpResponse<String> log = call("GET", logistics.controlUrl() + "/callbacks", null, null);
        assertTrue(log.body().contains("\"status\":500") && log.body().contains("\"status\":204"), log.body());
        HttpResponse<String> track = call("GET", logistics.url() + "/pickups/" + tracking, null, logistics.apiKey());
        assertEquals("delayed", object(track).get("status"));
        assertEquals("2026-11-24T10:00:00Z", object(track).get("eta"));
    }

    @Test
    void cancelsUntilDeliveredAndPlaysOutages() throws Exception {
        String tracking = (String) object(book("{\"reference\":\"WO-4001\",\"address\":\"广州\"}")).get("trackingNumber");
        HttpResponse<String> cancelled = call("POST", logistics.url() + "/pickups/" + tracking + "/cancel",
                "{\"reason\":\"客户取消\"}", logistics.apiKey());
        assertEquals(200, cancelled.statusCode(), cancelled.body());
        assertEquals("cancelled", object(cancelled).get("status"));
        assertEquals(1, logistics.deliveries().size(), "no callback URL: one attempt logged, not retried");
        assertEquals("no callback URL", logistics.deliveries().get(0).error());
        assertEquals(409, call("POST", logistics.controlUrl() + "/pickups/" + tracking + "/events", "{\"event\":\"picked_up\"}", null)
                .statusCode());

        String delivered = (String) object(book("{\"reference\":\"WO-4002\",\"address\":\"广州\"}")).get("trackingNumber");
        logistics.advance(delivered, "picked_up", null, null, "王师傅");
        logistics.advance(delivered, "delivered", null, null, "王师傅");
        HttpResponse<String> late = call("POST", logistics.url() + "/pickups/" + delivered + "/cancel", "{}", logistics.apiKey());
        assertEquals(409, late.statusCode());
        assertEquals("not_cancellable", object(late).get("code"));

        assertEquals(200, call("POST", logistics.controlUrl() + "/outage", "{\"mode\":\"unavailable\"}", null).statusCode());
        HttpResponse<String> down = call("GET", logistics.url() + "/pickups/" + delivered, null, logistics.apiKey());
        assertEquals(503, down.statusCode());
        assertTrue(down.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        call("POST", logistics.controlUrl() + "/outage", "{\"mode\":\"hang\",\"seconds\":5}", null);
        HttpRequest slow = HttpRequest.newBuilder(URI.create(logistics.url() + "/pickups/" + delivered))
                .header("Authorization", "Bearer " + logistics.apiKey()).timeout(Duration.ofMillis(500)).build();
        assertThrows(HttpTimeoutException.class, () -> http.send(slow, HttpResponse.BodyHandlers.ofString()));
        call("POST", logistics.controlUrl() + "/outage", "{\"mode\":\"off\"}", null);
        assertEquals(200, call("GET", logistics.url() + "/pickups/" + delivered, null, logistics.apiKey()).statusCode());

        int port = logistics.port();
        logistics.stop();
        assertThrows(java.net.ConnectException.class, () -> call("GET", logistics.url() + "/pickups/" + delivered, null, "x"));
        logistics.start();
        assertEquals(port, logistics.port());
        assertEquals("picked_up", ((List<?>) logistics.pickup(delivered).orElseThrow().get("events")).stream()
                .map(e -> ((Map<?, ?>) e).get("event")).findFirst().orElse(null));
    }
}
