package io.switchboard.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testkit.TestServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A channel replaced while another carries traffic: web chat is uninstalled, reinstalled and
 * updated in the running server while a PBX keeps posting call events. The calls never notice; the
 * agent's replies sent while web chat was gone wait on the bus and reach the visitor once each; the
 * visitor's widget, retrying through the update, loses nothing and doubles nothing.
 */
class HotSwapIT {

    static final String PASSWORD = "It-" + UUID.randomUUID();
    static final String SECRET = "pbx-" + UUID.randomUUID();
    static final Duration WAIT = Duration.ofSeconds(60);
    static TestServer server;
    static Api api;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void boot() {
        server = Distribution.unpack(PASSWORD)
                .configure("io.switchboard.channel.voice", "secret", SECRET)
                .configure("io.switchboard.conversation", "botEnabled", "false")
                .requireRoutes("switchboard-conversation/conversation-inbound",
                        "switchboard-webchat/webchat-outbound");
        server.start();
        api = new Api(server);
    }

    @AfterAll
    static void shutDown() {
        if (server != null) {
            server.stop();
        }
    }

    /** A PBX posting a call event every 100 ms until stopped; every answer is kept. */
    static final class Pbx implements Runnable {
        final AtomicBoolean running = new AtomicBoolean(true);
        final List<Integer> statuses = Collections.synchronizedList(new ArrayList<>());
        final Thread thread = new Thread(this, "pbx");

        @Override
        public void run() {
            int n = 0;
            while (running.get()) {
                String body = "{\"callId\":\"swap-" + (n++) + "\",\"event\":\"offered\",\"ani\":\"+8613900139001\"}";
                String ts = String.valueOf(Instant.now().getEpochSecond());
                try {
                    statuses.add(http.send(HttpRequest.newBuilder(server.url("/switchboard/api/voice/events"))
                            .header("Content-Type", "application/json")
                            .header("X-Switchboard-Timestamp", ts)
                            .header("X-Switchboard-Signature", VoiceIT.sign(SECRET, ts, body))
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.ofString()).statusCode());
                    Thread.sleep(100);
                } catch (Exception e) {
                    statuses.add(-1);
                }
            }
        }
    }

    /** The visitor's event stream: each event's data, as the widget would get it. */
    static BlockingQueue<String> stream(String visitorId) {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        http.sendAsync(HttpRequest.newBuilder(server.url("/switchboard/api/webchat/stream?visitorId=" + visitorId))
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines())
                .thenAcceptAsync(r -> r.body().filter(l -> l.startsWith("data:")).forEach(l -> events.add(l.substring(5).strip())),
                        Http.STREAMS);
        return events;
    }

    /** Posts as the widget does: the same client message id again until the server takes it. */
    static String visitorSays(String visitorId, String text, String clientMessageId) {
        String body = "{\"visitorId\":\"" + visitorId + "\",\"text\":\"" + text + "\",\"clientMessageId\":\"" + clientMessageId + "\"}";
        return Api.await("202 for " + text, WAIT, () -> {
            Api.Reply r = api.call("POST", "/switchboard/api/webchat/messages", body, null);
            return r.status() == 202 ? r.json().getString("conversationId") : null;
        });
    }

    static String webchatBundleId() {
        String list = server.shell("bundle:list -t 0 -s --no-format");
        return list.lines().filter(l -> l.matches("\\s*\\d+\\s.*") && l.contains("io.switchboard.switchboard-channel-webchat"))
                .map(l -> l.trim().split("\\s+")[0]).findFirst()
                .orElseThrow(() -> new AssertionError("no web chat bundle in:\n" + list));
    }

    static long calls() {
        String customer = api.call("GET", "/switchboard/api/conversations?state=all&limit=1000", null, api.admin()).array()
                .stream().map(JsonValue::asJsonObject).filter(c -> c.getJsonObject("address").getString("address")
                        .equals("+8613900139001")).map(c -> c.getString("customerId")).findFirst().orElse(null);
        if (customer == null) {
            return 0;
        }
        // page by page: a slow run makes more calls than one page (200) holds
        long calls = 0;
        String before = null;
        do {
            JsonObject page = api.expect(200, "GET", "/switchboard/api/customers/" + customer + "/timeline?limit=200"
                    + (before == null ? "" : "&before=" + java.net.URLEncoder.encode(before, java.nio.charset.StandardCharsets.UTF_8)), null, api.admin()).json();
            calls += page.getJsonArray("entries").stream().filter(e -> e.asJsonObject().getString("kind").equals("CALL")).count();
            before = page.containsKey("next") && !page.isNull("next") ? page.getString("next") : null;
        } while (before != null);
        return calls;
    }

    @Test
    void webChatIsReplacedWhileCallsFlowAndNothingIsLostOrDoubled() throws Exception {
        // a PBX call first, so the caller exists and their calls are counted on their timeline
        api.channelSays("sms", "+8613900139001", "开始", PASSWORD);
        String visitorId = "it-" + UUID.randomUUID().toString().replace("-", "");
        String conversationId = visitorSays(visitorId, "在吗？", "m-0");
        Api.await("the visitor's conversation", WAIT, () -> api.call("GET", "/switchboard/api/conversations/" + conversationId,
                null, api.admin()).status() == 200);
        Pbx pbx = new Pbx();
        pbx.thread.start();

        String uninstalled = server.shell("feature:uninstall switchboard-channel-webchat");
        assertTrue(uninstalled.isBlank() || !uninstalled.contains("Error"), uninstalled);
        Api.await("web chat gone", WAIT, () -> api.call("POST", "/switchboard/api/webchat/messages",
                "{\"text\":\"x\"}", null).status() == 404);
        List<String> replies = List.of("您好，在的 👋", "请稍等", "已为您处理");
        for (int i = 0; i < replies.size(); i++) {
            api.expect(201, "POST", "/switchboard/api/conversations/" + conversationId + "/replies",
                    "{\"text\":\"" + replies.get(i) + "\",\"replyId\":\"swap-r" + i + "\"}", api.admin());
        }

        server.shell("feature:install switchboard-channel-webchat");
        BlockingQueue<String> events = Api.await("web chat back", WAIT, () -> api.call("GET",
                "/switchboard/api/webchat/stream?visitorId=bad", null, null).status() == 400 ? stream(visitorId) : null);
        List<String> received = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 60_000;
        while (received.size() < replies.size() && System.currentTimeMillis() < deadline) {
            String data = events.poll(1, TimeUnit.SECONDS);
            if (data != null) {
                JsonObject m = Json.createReader(new StringReader(data)).readObject();
                received.add(m.getJsonArray("parts").getJsonObject(0).getString("text"));
            }
        }
        assertEquals(replies, received, "the replies that waited on the bus");
        assertEquals(null, events.poll(2, TimeUnit.SECONDS), "a reply came twice");

        // an update of the bundle (the same jar) while the visitor keeps writing
        String id = webchatBundleId();
        List<String> sent = new ArrayList<>();
        Thread update = new Thread(() -> server.shell("bundle:update " + id), "update");
        update.start();
        for (int i = 1; i <= 20; i++) {
            String text = "第" + i + "条";
            visitorSays(visitorId, text, "m-" + i);
            sent.add(text);
        }
        update.join(60_000);
        List<String> stored = Api.await("all 21 messages stored", WAIT, () -> {
            List<String> t = api.expect(200, "GET", "/switchboard/api/conversations/" + conversationId + "/messages",
                    null, api.admin()).array().stream().map(JsonValue::asJsonObject)
                    .filter(m -> m.getString("direction").equals("INBOUND"))
                    .map(m -> m.getJsonArray("parts").getJsonObject(0).getString("text")).toList();
            return t.size() >= 21 ? t : null;
        });
        List<String> expected = new ArrayList<>(List.of("在吗？"));
        expected.addAll(sent);
        assertEquals(expected, stored);

        pbx.running.set(false);
        pbx.thread.join(10_000);
        List<Integer> statuses = new ArrayList<>(pbx.statuses);
        assertTrue(statuses.size() > 20, "the PBX hardly ran: " + statuses.size());
        assertTrue(statuses.stream().allMatch(s -> s == 202), "calls were disturbed: " + statuses);
        assertEquals(statuses.size(), Api.await("every call on the timeline", WAIT,
                () -> calls() == statuses.size() ? calls() : null));
    }
}
