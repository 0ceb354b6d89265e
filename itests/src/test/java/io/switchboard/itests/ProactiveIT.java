package io.switchboard.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.sandbox.smsc.SandboxSmsc;
import io.switchboard.testkit.TestServer;
import jakarta.json.JsonObject;
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
 * Field flow 3 on the distribution as built: the booking system reports a cancelled flight; every
 * affected customer who may be told gets the rebooking options on their own channel (SMS through
 * the sandbox SMSC here); their answer joins that conversation; and when one of them calls, the
 * call lands on a timeline that already says why.
 */
class ProactiveIT {

    static final String PASSWORD = "It-" + UUID.randomUUID();
    static final String PBX_SECRET = "pbx-" + UUID.randomUUID();
    static final String SERVICE_NUMBER = "10690000";
    static final String AGENT = "agent-zhao";
    static final String AGENT_PASSWORD = "Agent-" + UUID.randomUUID();
    static final Duration WAIT = Duration.ofSeconds(30);

    static Phones phones;
    static SandboxSmsc smsc;
    static TestServer server;
    static Api api;

    @BeforeAll
    static void boot() {
        phones = Phones.start();
        smsc = phones.smsc();
        server = phones.bind(Distribution.unpack(PASSWORD))
                .configure("io.switchboard.channel.voice", "secret", PBX_SECRET)
                .configure("io.switchboard.conversation", "botEnabled", "false")
                .addAgent(AGENT, AGENT_PASSWORD)
                // the voice channel too: Li's call is posted right after the push, and a loaded machine
                // may still be starting it when the server first answers healthy
                .requireRoutes("switchboard-conversation/conversation-inbound",
                        "switchboard-proactive/proactive-business-events");
        server.start();
        api = new Api(server);
        smsc.awaitBound(WAIT);
    }

    @AfterAll
    static void shutDown() {
        if (server != null) {
            server.stop();
        }
        if (smsc != null) {
            smsc.close();
        }
    }

    static String phone(String prefix) {
        return "+86" + prefix + (10_000_000 + (int) (Math.random() * 89_999_999));
    }

    static JsonObject customerOf(String phone) {
        return api.expect(200, "GET", "/switchboard/api/customers/" + Phones.customerIdOf(api, phone), null, api.admin()).json();
    }

    static List<JsonObject> timeline(String customerId) {
        return api.expect(200, "GET", "/switchboard/api/customers/" + customerId + "/timeline?limit=100", null, api.admin())
                .json().getJsonArray("entries").getValuesAs(JsonObject.class);
    }

    @Test
    void aCancelledFlightReachesEveryAffectedCustomerWhoMayBeToldAndTheCallerIsExpected() throws Exception {
        String li = phone("138");
        String wang = phone("139");
        String stranger = phone("135");
        smsc.deliver(li.substring(1), SERVICE_NUMBER, "你好，我订了明天的机票");
        smsc.deliver(wang.substring(1), SERVICE_NUMBER, "不要再给我发通知了");
        JsonObject liCustomer = customerOf(li);
        JsonObject wangCustomer = customerOf(wang);
        api.expect(200, "PUT", "/switchboard/api/customers/" + wangCustomer.getString("id"),
                "{\"name\":\"王先生\",\"tier\":\"STANDARD\",\"tags\":[\"optout:service\"]}", api.admin());

        String eventId = "booking-" + UUID.randomUUID();
        String event = "{\"id\":\"" + eventId + "\",\"type\":\"flight.cancelled\",\"source\":\"booking\",\"time\":\""
                + Instant.now() + "\",\"data\":{\"flight\":\"CA1234\",\"date\":\"2026-11-24\","
                + "\"options\":\"CA1236 14:05 或 CA1238 18:30\"},\"affected\":[\"sms:" + li + "\",\"customer:"
                + wangCustomer.getString("id") + "\",\"sms:" + stranger + "\"]}";
        assertEquals(401, api.call("POST", "/switchboard/api/proactive/events", event, null).status());
        assertEquals(403, api.call("POST", "/switchboard/api/proactive/events", event,
                TestServer.basicAuth(AGENT, AGENT_PASSWORD)).status(), "only admins raise business events");
        api.expect(202, "POST", "/switchboard/api/proactive/events", event, api.admin());
        api.expect(202, "POST", "/switchboard/api/proactive/events", event, api.admin());

        String told = Api.await("the SMS to Li", WAIT, () -> phones.textsTo(li).stream()
                .filter(t -> t.contains("CA1234")).findFirst().orElse(null));
        assertEquals("尊敬的旅客，您预订的 CA1234 航班（2026-11-24）已取消，给您带来不便深表歉意。可选：CA1236 14:05 或 CA1238 18:30。"
                + "回复 1 改签最早航班，回复 2 全额退款，或回复“人工”。", told);
        Map<String, String> statuses = Api.await("every push decided", WAIT, () -> {
            Map<String, String> s = new TreeMap<>();
            api.expect(200, "GET", "/switchboard/api/proactive/pushes?eventId=" + eventId, null, api.admin()).array()
                    .getValuesAs(JsonObject.class).forEach(p -> s.put(p.getString("affected"), p.getString("status")));
            return s.size() == 3 && !s.containsValue("PLANNED") ? s : null;
        });
        assertEquals(Map.of("sms:" + li, "SENT", "customer:" + wangCustomer.getString("id"), "NO_CONSENT",
                "sms:" + stranger, "UNKNOWN_CUSTOMER"), statuses);
        Thread.sleep(1000);
        assertEquals(1, phones.textsTo(li).stream().filter(t -> t.contains("CA1234")).count(), "the event came twice, the SMS once");
        assertTrue(phones.textsTo(wang).isEmpty(), "an opted-out customer was told");
        assertTrue(phones.textsTo(stranger).isEmpty());

        JsonObject push = timeline(liCustomer.getString("id")).stream().filter(e -> e.getString("kind").equals("PUSH"))
                .findFirst().orElseThrow();
        assertEquals("Flight CA1234 on 2026-11-24 cancelled: rebooking options sent", push.getString("summary"));

        smsc.deliver(li.substring(1), SERVICE_NUMBER, "1");
        String conversationId = push.getString("conversationId");
        Api.await("Li's answer in the conversation of the push", WAIT, () -> api.expect(200, "GET",
                        "/switchboard/api/conversations/" + conversationId + "/messages", null, api.admin()).array()
                .getValuesAs(JsonObject.class).stream()
                .anyMatch(m -> m.getString("direction").equals("INBOUND") && m.getJsonArray("parts").getJsonObject(0)
                        .getString("text").equals("1")));

        // Li calls: the PBX reports the call, and the call joins the timeline right after the push
        String body = "{\"callId\":\"call-" + UUID.randomUUID() + "\",\"event\":\"offered\",\"ani\":\"" + li
                + "\",\"dnis\":\"+864008001234\",\"queue\":\"航班服务\"}";
        String ts = String.valueOf(Instant.now().getEpochSecond());
        HttpResponse<String> offered = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        server.url("/switchboard/api/voice/events"))
                .header("Content-Type", "application/json; charset=UTF-8")
                .header("X-Switchboard-Timestamp", ts)
                .header("X-Switchboard-Signature", VoiceIT.sign(PBX_SECRET, ts, body))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(offered.statusCode() / 100 == 2, offered.body());
        List<JsonObject> seen = Api.await("the call on Li's timeline", WAIT, () -> {
            List<JsonObject> t = timeline(liCustomer.getString("id"));
            return t.stream().anyMatch(e -> e.getString("kind").equals("CALL")) ? t : null;
        });
        List<String> kinds = seen.stream().map(e -> e.getString("kind")).toList();
        assertTrue(kinds.indexOf("CALL") < kinds.indexOf("PUSH"), "newest first: the call, then (earlier) the push: " + kinds);
    }
}
