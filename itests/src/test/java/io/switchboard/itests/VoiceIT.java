package io.switchboard.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testkit.TestServer;
import io.switchboard.testkit.browser.Browser;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The voice/CTI channel on the distribution as built, spoken to as a PBX would: HMAC-signed call
 * events over HTTP; the caller popped up on an agent's desk in a real Chromium.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VoiceIT {

    static final String PASSWORD = "It-" + UUID.randomUUID();
    static final String SECRET = "pbx-" + UUID.randomUUID();
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String CALLER = "+8613800138077";
    static TestServer server;
    static Api api;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void boot() {
        Browser.requireInstalled();
        server = Distribution.unpack(PASSWORD)
                .configure("io.switchboard.channel.voice", "secret", SECRET)
                .configure("io.switchboard.channel.voice", "ratePerMinute", "40")
                .requireRoutes("switchboard-conversation/conversation-inbound",
                        "switchboard-desk/desk-events");
        server.start();
        api = new Api(server);
    }

    @AfterAll
    static void shutDown() {
        if (server != null) {
            server.stop();
        }
    }

    static HttpResponse<String> post(String body, String timestamp, String signature) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.url("/switchboard/api/voice/events"))
                .header("Content-Type", "application/json; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (timestamp != null) {
            b.header("X-Switchboard-Timestamp", timestamp);
        }
        if (signature != null) {
            b.header("X-Switchboard-Signature", signature);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    static HttpResponse<String> signedPost(String body) throws Exception {
        String ts = String.valueOf(Instant.now().getEpochSecond());
        return post(body, ts, sign(SECRET, ts, body));
    }

    static String sign(String secret, String timestamp, String body) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
    }

    static String call(String callId, String event) {
        return "{\"callId\":\"" + callId + "\",\"event\":\"" + event + "\",\"ani\":\"" + CALLER
                + "\",\"dnis\":\"+864008001234\",\"queue\":\"宽带报修\"}";
    }

    static List<JsonObject> calls(String customerId) {
        return api.expect(200, "GET", "/switchboard/api/customers/" + customerId + "/timeline?limit=100", null, api.admin())
                .json().getJsonArray("entries").stream().map(JsonValue::asJsonObject)
                .filter(e -> e.getString("kind").equals("CALL")).toList();
    }

    static String knownCustomer;

    @Test
    @Order(1)
    void anOfferedCallFromAKnownNumberPopsThatCustomerUpOnTheDeskWithTheirTimeline() throws Exception {
        // the customer is known from an SMS: the same number on the phone is the same person
        api.channelSays("sms", CALLER, "短信：家里宽带又断了 😩", PASSWORD);
        knownCustomer = Api.await("the SMS customer", WAIT, () -> api.call("GET",
                "/switchboard/api/conversations?state=all&limit=100", null, api.admin()).array().stream()
                .map(JsonValue::asJsonObject).filter(c -> c.getJsonObject("address").getString("address").equals(CALLER))
                .map(c -> c.getString("customerId")).findFirst().orElse(null));
        api.expect(200, "PUT", "/switchboard/api/customers/" + knownCustomer, "{\"name\":\"张伟\"}", api.admin());

        try (Browser desk = Browser.start()) {
            desk.open(server.url("/switchboard/desk/"));
            desk.find("#login-user").type(TestServer.ADMIN);
            desk.find("#login-password").type(PASSWORD);
            desk.find("#login-submit").click();
            desk.await("the desk's event stream", WAIT, () -> "true".equals(desk.find("#live").attribute("data-live")));

            HttpResponse<String> accepted = signedPost(call("call-1", "offered"));
            assertEquals(202, accepted.statusCode(), accepted.body());
            desk.await("the screen-pop", WAIT, () -> desk.find("#screen-pop").displayed());
            assertEquals(knownCustomer, desk.find("#screen-pop").attribute("data-customer-id"));
            desk.await("the caller's name", WAIT, () -> "张伟".equals(desk.find("#pop-name").text()));
            assertEquals(CALLER, desk.find("#pop-number").text());
            desk.await("the caller's timeline in the pop", WAIT,
                    () -> desk.find("#pop-timeline").text().contains("短信：家里宽带又断了 😩"));
        }
        List<JsonObject> calls = calls(knownCustomer);
        assertEquals(1, calls.size(), calls.toString());
        assertEquals("Call from " + CALLER + " to +864008001234 (queue 宽带报修)", calls.get(0).getString("summary"));
    }

    @Test
    @Order(2)
    void theCallsStepsJoinTheTimelineOnceHoweverOftenThePbxRetries() throws Exception {
        String answered = call("call-1", "answered");
        String ts = String.valueOf(Instant.now().getEpochSecond());
        String signature = sign(SECRET, ts, answered);
        assertEquals(202, post(answered, ts, signature).statusCode());
        // the same signed request again (a capture replayed, or a retry as it was): taken once, on the database's word
        HttpResponse<String> replayed = post(answered, ts, signature);
        assertEquals(200, replayed.statusCode(), replayed.body());
        assertTrue(replayed.body().contains("\"duplicate\":true"), replayed.body());
        // a retry signed anew is a new request carrying the same call step: the bus drops it as a duplicate
        String later = String.valueOf(Long.parseLong(ts) + 1);
        assertEquals(202, post(answered, later, sign(SECRET, later, answered)).statusCode());
        assertEquals(202, signedPost(call("call-1", "ended")).statusCode());
        List<String> summaries = Api.await("three call steps", WAIT, () -> {
            List<String> s = calls(knownCustomer).stream().map(e -> e.getString("summary")).toList();
            return s.size() >= 3 ? s : null;
        });
        Thread.sleep(1000);
        assertEquals(3, calls(knownCustomer).size(), summaries.toString());
        assertTrue(summaries.get(0).startsWith("Call ended"), summaries.toString());
    }

    @Test
    @Order(3)
    void aBadSignatureOrAStaleOneIs401AndNothingReachesTheTimeline() throws Exception {
        String body = call("call-forged", "offered");
        String now = String.valueOf(Instant.now().getEpochSecond());
        HttpResponse<String> forged = post(body, now, sign("guessed", now, body));
        assertEquals(401, forged.statusCode());
        assertTrue(forged.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        String stale = String.valueOf(Instant.now().minusSeconds(3600).getEpochSecond());
        assertEquals(401, post(body, stale, sign(SECRET, stale, body)).statusCode());
        assertEquals(401, post(body, null, null).statusCode());
        assertEquals(400, signedPost("{\"callId\":\"c\",\"event\":\"ringing\",\"ani\":\"+8613800138077\"}").statusCode());
        Thread.sleep(1000);
        assertTrue(calls(knownCustomer).stream().noneMatch(e -> e.getJsonObject("data").getString("callId").equals("call-forged")));
    }

    @Test
    @Order(4)
    void aSourceOverItsRateGets429WithRetryAfter() throws Exception {
        HttpResponse<String> last = null;
        for (int i = 0; i < 60 && (last == null || last.statusCode() != 429); i++) {
            last = post("{}", null, null);
        }
        assertEquals(429, last.statusCode(), last.body());
        assertTrue(Integer.parseInt(last.headers().firstValue("Retry-After").orElseThrow()) >= 1);
    }
}
