package io.switchboard.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.sandbox.booking.SandboxBooking;
import io.switchboard.sandbox.smsc.SandboxSmsc;
import io.switchboard.testkit.TestBroker;
import io.switchboard.testkit.TestServer;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Field flow 3 from the real booking system, on the distribution as built: the booking sandbox
 * cancels a flight (or changes a booking) and POSTs its signed webhook to the server; the booking
 * connector makes it a business event; every affected traveller who is a known customer gets the
 * options by SMS through the sandbox SMSC, once, however often the webhook comes; a traveller
 * nobody knows is recorded with the reason; a webhook that is not signed with the secret is 401.
 */
class BookingIT {

    static final String PASSWORD = "It-" + UUID.randomUUID();
    static final String API_KEY = "it-key-" + UUID.randomUUID();
    static final String SECRET = "it-secret-" + UUID.randomUUID();
    static final String EVENTS = "/switchboard/systems/booking/events";
    static final String SERVICE_NUMBER = "10690000";
    static final Duration WAIT = Duration.ofSeconds(30);

    static Phones phones;
    static SandboxSmsc smsc;
    static SandboxBooking booking;
    static TestServer server;
    static Api api;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void boot() {
        phones = Phones.start();
        smsc = phones.smsc();
        booking = SandboxBooking.start(TestBroker.freePort(), API_KEY);
        server = phones.bind(Distribution.unpack(PASSWORD))
                .configure("io.switchboard.system.booking", "endpoint", booking.apiUrl())
                .configure("io.switchboard.system.booking", "apiKey", API_KEY)
                .configure("io.switchboard.system.booking", "webhookSecret", SECRET)
                .configure("io.switchboard.conversation", "botEnabled", "false")
                .requireRoutes("switchboard-conversation/conversation-inbound",
                        "switchboard-proactive/proactive-business-events", "switchboard-booking/booking-requests");
        server.start();
        api = new Api(server);
        smsc.awaitBound(WAIT);
        // the booking system is told where to deliver, over its own control API
        control("POST", "/sandbox/webhook", "{\"url\":\"" + server.url(EVENTS) + "\",\"secret\":\"" + SECRET + "\"}", 200);
        // the routes run before the HTTP whiteboard serves the servlet
        Api.await("the booking webhook URL", WAIT, () -> post(EVENTS, "{}", null, null).statusCode() == 401);
    }

    @AfterAll
    static void shutDown() {
        if (server != null) {
            server.stop();
        }
        if (smsc != null) {
            smsc.close();
        }
        if (booking != null) {
            booking.close();
        }
    }

    static String phone(String prefix) {
        return "+86" + prefix + (10_000_000 + (int) (Math.random() * 89_999_999));
    }

    static String flight() {
        return "MU" + (5000 + (int) (Math.random() * 4000));
    }

    /** A call to the booking sandbox's control API, over HTTP. */
    static String control(String method, String path, String json, int expected) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(booking.url() + path))
                .header("Content-Type", "application/json; charset=utf-8")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)));
        assertEquals(expected, r.statusCode(), method + " " + path + ": " + r.body());
        return r.body();
    }

    static HttpResponse<String> post(String path, String body, String timestamp, String signature) {
        HttpRequest.Builder r = HttpRequest.newBuilder(server.url(path))
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (timestamp != null) {
            r.header("X-Booking-Timestamp", timestamp);
        }
        if (signature != null) {
            r.header("X-Booking-Signature", signature);
        }
        return send(r);
    }

    static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonObject object(String json) {
        try (var reader = Json.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }

    static JsonArray array(String json) {
        try (var reader = Json.createReader(new StringReader(json))) {
            return reader.readArray();
        }
    }

    /** A customer the server knows on SMS: they wrote to the service number once. */
    static String knownOnSms(String phone, String text) {
        smsc.deliver(phone.substring(1), SERVICE_NUMBER, text);
        return Phones.customerIdOf(api, phone);
    }

    static List<JsonObject> deliveriesOf(String eventId) {
        return array(control("GET", "/sandbox/deliveries", null, 200)).getValuesAs(JsonObject.class).stream()
                .filter(d -> d.getString("eventId").equals(eventId)).toList();
    }

    static Map<String, JsonObject> pushesOf(String eventId, int count) {
        return Api.await(count + " pushes decided for " + eventId, WAIT, () -> {
            Map<String, JsonObject> byAffected = new TreeMap<>();
            api.expect(200, "GET", "/switchboard/api/proactive/pushes?eventId=" + eventId, null, api.admin()).array()
                    .getValuesAs(JsonObject.class).forEach(p -> byAffected.put(p.getString("affected"), p));
            return byAffected.size() == count && byAffected.values().stream().noneMatch(p -> p.getString("status").equals("PLANNED"))
                    ? byAffected : null;
        });
    }

    static long textsAbout(String phone, String flight) {
        return phones.textsTo(phone).stream().filter(t -> t.contains(flight)).count();
    }

    @Test
    void aCancelledFlightReachesEveryKnownTravellerOnceAndRecordsTheStranger() throws Exception {
        String flight = flight();
        String li = phone("138");
        String zhao = phone("139");
        String stranger = phone("135");
        knownOnSms(li, "你好，我订了明天的机票");
        knownOnSms(zhao, "请问航班准点吗");
        // the booking system knows Zhao's number without the country code, and a traveller with no contact at all
        control("POST", "/sandbox/bookings", "{\"pnr\":\"A" + flight + "\",\"passengers\":[{\"name\":\"李娜\",\"phone\":\"" + li
                + "\",\"preferredChannel\":\"sms\"},{\"name\":\"欧阳无名\",\"phone\":\"" + stranger + "\"}],\"segments\":[{\"flight\":\""
                + flight + "\",\"date\":\"2026-11-24\",\"from\":\"PVG\",\"to\":\"CTU\",\"departs\":\"07:40\"}]}", 201);
        control("POST", "/sandbox/bookings", "{\"pnr\":\"B" + flight + "\",\"passengers\":[{\"name\":\"赵敏\",\"phone\":\""
                + zhao.substring(3) + "\"},{\"name\":\"没有电话\"}],\"segments\":[{\"flight\":\"" + flight
                + "\",\"date\":\"2026-11-24\",\"from\":\"PVG\",\"to\":\"CTU\",\"departs\":\"07:40\"}]}", 201);

        String eventId = object(control("POST", "/sandbox/flights/" + flight + "/2026-11-24/cancel",
                "{\"reason\":\"天气原因\",\"options\":[{\"id\":\"1\",\"text\":\"明天 08:00 " + flight + "改签\",\"flight\":\"" + flight
                        + "\",\"date\":\"2026-11-25\",\"departs\":\"08:00\"},{\"id\":\"2\",\"text\":\"全额退款\"}]}", 202))
                .getString("eventId");

        String expected = "尊敬的旅客，您预订的 " + flight + " 航班（2026-11-24）已取消，给您带来不便深表歉意。可选：1) 明天 08:00 "
                + flight + "改签 2) 全额退款。回复 1 改签最早航班，回复 2 全额退款，或回复“人工”。";
        assertEquals(expected, Api.await("the SMS to Li", WAIT, () -> phones.textsTo(li).stream()
                .filter(t -> t.contains(flight)).findFirst().orElse(null)));
        assertEquals(expected, Api.await("the SMS to Zhao", WAIT, () -> phones.textsTo(zhao).stream()
                .filter(t -> t.contains(flight)).findFirst().orElse(null)));

        Map<String, JsonObject> pushes = pushesOf("booking:" + eventId, 3);
        assertEquals("SENT", pushes.get("sms:" + li).getString("status"));
        assertEquals("SENT", pushes.get("sms:" + zhao).getString("status"), "13… from the booking system is +8613… on SMS");
        JsonObject unknown = pushes.get("sms:" + stranger);
        assertEquals("UNKNOWN_CUSTOMER", unknown.getString("status"));
        assertEquals("no customer is known as sms:" + stranger, unknown.getString("detail"));
        assertTrue(phones.textsTo(stranger).isEmpty(), "a stranger was texted");
        assertEquals("flight.cancelled", pushes.get("sms:" + li).getString("eventType"));

        // the booking system delivers the same event again (it lost our 200): nobody is told twice
        control("POST", "/sandbox/events/" + eventId + "/redeliver", null, 202);
        Api.await("the second delivery answered", WAIT, () -> deliveriesOf(eventId).stream()
                .filter(d -> d.getInt("status") == 200).count() == 2);
        Thread.sleep(1500);
        assertEquals(1, textsAbout(li, flight), "the webhook came twice, the SMS once");
        assertEquals(1, textsAbout(zhao, flight));
        assertEquals(3, pushesOf("booking:" + eventId, 3).size());
        assertTrue(deliveriesOf(eventId).stream().allMatch(d -> d.getInt("status") == 200), deliveriesOf(eventId).toString());

        // the agent who takes Li's call sees why: the push is on Li's timeline
        String liId = Phones.customerIdOf(api, li);
        List<String> summaries = api.expect(200, "GET", "/switchboard/api/customers/" + liId + "/timeline?limit=100", null,
                api.admin()).json().getJsonArray("entries").getValuesAs(JsonObject.class).stream()
                .filter(e -> e.getString("kind").equals("PUSH")).map(e -> e.getString("summary")).toList();
        assertTrue(summaries.contains("Flight " + flight + " on 2026-11-24 cancelled: rebooking options sent"), summaries.toString());
    }

    @Test
    void aChangedBookingTellsItsTravellersWithTheChangeAndTheirOptions() {
        String flight = flight();
        String chen = phone("136");
        knownOnSms(chen, "我想确认一下行程");
        String pnr = "C" + flight;
        control("POST", "/sandbox/bookings", "{\"pnr\":\"" + pnr + "\",\"passengers\":[{\"name\":\"陈静\",\"phone\":\"" + chen
                + "\"}],\"segments\":[{\"flight\":\"" + flight + "\",\"date\":\"2026-11-26\",\"from\":\"CAN\",\"to\":\"PEK\","
                + "\"departs\":\"08:00\"}]}", 201);
        String eventId = object(control("POST", "/sandbox/bookings/" + pnr + "/change", "{\"departs\":\"10:30\"}", 202))
                .getString("eventId");
        String sms = Api.await("the SMS to Chen", WAIT, () -> phones.textsTo(chen).stream()
                .filter(t -> t.contains(pnr)).findFirst().orElse(null));
        assertEquals("尊敬的旅客，您的订单 " + pnr + " 航班有变动：" + flight + " 2026-11-26 08:00 改为 " + flight + " 2026-11-26 10:30。"
                + "可选：1) 接受新时间 2026-11-26 10:30 " + flight + " 2) 全额退款。请回复选项编号，或回复“人工”。", sms);
        assertEquals("SENT", pushesOf("booking:" + eventId, 1).get("sms:" + chen).getString("status"));
    }

    @Test
    void aWebhookNotSignedWithTheSecretIsRefusedAndChangesNothing() throws Exception {
        String li = phone("137");
        knownOnSms(li, "你好");
        String eventId = "forged-" + UUID.randomUUID();
        String body = "{\"eventId\":\"" + eventId + "\",\"type\":\"flight.cancelled\",\"flight\":\"CA9999\",\"date\":\"2026-11-24\","
                + "\"passengers\":[{\"pnr\":\"ZZZ999\",\"name\":\"李四\",\"phone\":\"" + li + "\"}],"
                + "\"options\":[{\"id\":\"1\",\"text\":\"点击链接领取赔偿\"}]}";
        String now = Long.toString(Instant.now().getEpochSecond());
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> forged = post(EVENTS, body, now, SandboxBooking.sign("not-the-secret", now, bytes));
        assertEquals(401, forged.statusCode(), forged.body());
        assertTrue(forged.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                forged.headers().toString());
        assertEquals("the signature does not match", object(forged.body()).getString("detail"));
        assertEquals(401, post(EVENTS, body, null, null).statusCode(), "unsigned");
        String stale = Long.toString(Instant.now().minusSeconds(3600).getEpochSecond());
        assertEquals(401, post(EVENTS, body, stale, SandboxBooking.sign(SECRET, stale, bytes)).statusCode(), "an old capture");
        String malformed = "{\"eventId\":\"" + eventId + "\",\"type\":";
        assertEquals(400, post(EVENTS, malformed, now, SandboxBooking.sign(SECRET, now, malformed.getBytes(StandardCharsets.UTF_8)))
                .statusCode());

        Thread.sleep(2000);
        assertEquals("[]", api.expect(200, "GET", "/switchboard/api/proactive/pushes?eventId=booking:" + eventId, null,
                api.admin()).body());
        assertTrue(phones.textsTo(li).stream().noneMatch(t -> t.contains("CA9999")), "a forged event reached a customer");
    }
}
