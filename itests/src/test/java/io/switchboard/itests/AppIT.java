package io.switchboard.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.app.client.AppClient;
import io.switchboard.app.client.Reply;
import io.switchboard.testkit.TcpCut;
import io.switchboard.testkit.TestServer;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The in-app channel on the distribution as built, with the Java client through a TCP link that
 * the test cuts ten times while a thousand messages flow each way: every one arrives once, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AppIT {

    static final String PASSWORD = "It-" + UUID.randomUUID();
    static final String APP = "it-shop";
    static final String SECRET = "it-secret-" + UUID.randomUUID();
    static final int COUNT = 1000;
    static final int CUTS = 10;
    static final Duration WAIT = Duration.ofSeconds(60);

    static TestServer server;
    static Api api;

    @BeforeAll
    static void boot() {
        server = Distribution.unpack(PASSWORD)
                .configure("io.switchboard.channel.app", "secret." + APP, SECRET)
                .configure("io.switchboard.channel.app", "ratePerMinute", "100000")
                .configure("io.switchboard.channel.app", "connectRatePerMinute", "100000")
                .configure("io.switchboard.conversation", "botEnabled", "false")
                .requireRoutes("switchboard-conversation/conversation-inbound", "switchboard-app/app-outbound");
        server.start();
        api = new Api(server);
    }

    @AfterAll
    static void shutDown() {
        if (server != null) {
            server.stop();
        }
    }

    /** What the company's app backend does: HS256 over the claims with the app's secret. */
    static String token(String secret, String user, String device, long exp) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String signingInput = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(("{\"appId\":\"" + APP + "\",\"userId\":\"" + user + "\",\"deviceId\":\"" + device
                + "\",\"exp\":" + exp + "}").getBytes(StandardCharsets.UTF_8));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return signingInput + "." + b64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static long inAnHour() {
        return System.currentTimeMillis() / 1000 + 3600;
    }

    static JsonObject conversationOf(String address) {
        return api.call("GET", "/switchboard/api/conversations?state=all&limit=200", null, api.admin()).array().stream()
                .map(JsonValue::asJsonObject)
                .filter(c -> c.getJsonObject("address").getString("channel").equals("app")
                        && c.getJsonObject("address").getString("address").equals(address))
                .findFirst().orElse(null);
    }

    /** The conversation's inbound texts, oldest first, paged through the customer's timeline (a page holds at most 500). */
    static List<String> inbound(String conversationId) {
        String customerId = api.expect(200, "GET", "/switchboard/api/conversations/" + conversationId, null, api.admin())
                .json().getString("customerId");
        List<String> newestFirst = new java.util.ArrayList<>();
        String before = null;
        do {
            JsonObject page = api.expect(200, "GET", "/switchboard/api/customers/" + customerId + "/timeline?limit=200"
                    + (before == null ? "" : "&before=" + java.net.URLEncoder.encode(before, java.nio.charset.StandardCharsets.UTF_8)),
                    null, api.admin()).json();
            page.getJsonArray("entries").getValuesAs(JsonObject.class).stream()
                    .filter(e -> e.getString("kind").equals("MESSAGE") && "INBOUND".equals(e.getString("direction", null))
                            && conversationId.equals(e.getString("conversationId", null)))
                    .forEach(e -> newestFirst.add(e.getString("summary")));
            before = page.containsKey("next") && !page.isNull("next") ? page.getString("next") : null;
        } while (before != null);
        java.util.Collections.reverse(newestFirst);
        return newestFirst;
    }

    @Test
    @Order(1)
    void aThousandMessagesEachWayThroughTenCutsArriveOnceAndInOrder() throws Exception {
        String user = "u-" + UUID.randomUUID().toString().substring(0, 8);
        List<Reply> replies = new CopyOnWriteArrayList<>();
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger drops = new AtomicInteger();
        try (TcpCut link = TcpCut.to("127.0.0.1", server.httpPort())) {
            URI socket = URI.create("ws://127.0.0.1:" + link.port() + "/switchboard/app/socket");
            AppClient client = AppClient.builder(socket, () -> token(SECRET, user, "phone-1", inAnHour()), new AppClient.Listener() {
                @Override
                public void reply(Reply reply) {
                    replies.add(reply);
                }

                @Override
                public void accepted(String clientMessageId, String messageId) {
                    accepted.incrementAndGet();
                }

                @Override
                public void connection(boolean up, String why) {
                    if (!up) {
                        drops.incrementAndGet();
                    }
                }
            }).maxBackoffMillis(500).build();
            client.start();
            client.send("你好，我的订单 📦 还没到");
            JsonObject conversation = Api.await("the conversation", WAIT, () -> conversationOf(APP + "/" + user));
            String conversationId = conversation.getString("id");

            List<String> customer = IntStream.range(0, COUNT).mapToObj(i -> "客户 " + i + " 📦").toList();
            List<String> agent = IntStream.range(0, COUNT).mapToObj(i -> "坐席 " + i + " 🚚 好的").toList();
            customer.forEach(client::send);
            Thread replying = new Thread(() -> {
                for (int i = 0; i < COUNT; i++) {
                    api.expect(201, "POST", "/switchboard/api/conversations/" + conversationId + "/replies",
                            "{\"text\":\"" + agent.get(i) + "\",\"replyId\":\"it-app-" + user + "-" + i + "\"}", api.admin());
                }
            }, "agent-replies");
            replying.start();

            // a cut each time another tenth of the traffic has gone through
            int cuts = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (cuts < CUTS && System.nanoTime() < deadline) {
                int progress = accepted.get() + replies.size();
                if (progress >= (cuts + 1) * (2 * COUNT) / (CUTS + 1)) {
                    link.cut();
                    Thread.sleep(150);
                    link.restore();
                    cuts++;
                }
                Thread.sleep(20);
            }
            assertEquals(CUTS, cuts, "the traffic stalled before all cuts: accepted " + accepted.get() + ", replies " + replies.size());
            replying.join(Duration.ofMinutes(5).toMillis());

            Api.await("all replies at the client", WAIT, () -> replies.size() >= COUNT ? true : null);
            Api.await("all messages acknowledged", WAIT, () -> accepted.get() >= COUNT + 1 ? true : null);
            Thread.sleep(1000);
            assertEquals(agent, replies.stream().map(Reply::text).toList(), "replies lost, repeated or out of order");
            assertEquals(LongsFrom1(COUNT), replies.stream().map(Reply::seq).toList());

            List<String> expected = new ArrayList<>();
            expected.add("你好，我的订单 📦 还没到");
            expected.addAll(customer);
            List<String> stored = Api.await("all customer messages stored", WAIT, () -> {
                List<String> got = inbound(conversationId);
                return got.size() >= expected.size() ? got : null;
            });
            assertEquals(expected, stored, "customer messages lost, repeated or out of order");
            assertTrue(drops.get() >= CUTS, "the client saw " + drops.get() + " drops for " + CUTS + " cuts");
            assertTrue(link.connections() > CUTS, "the client did not reconnect through the link");
            client.close();
        }
    }

    static List<Long> LongsFrom1(int n) {
        return java.util.stream.LongStream.rangeClosed(1, n).boxed().toList();
    }

    @Test
    @Order(2)
    void aBadOrExpiredTokenIs401BeforeAnyWebSocket() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String good = token(SECRET, "u-401", "d-1", inAnHour());
        for (String bad : List.of(token("not-the-secret", "u-401", "d-1", inAnHour()),
                token(SECRET, "u-401", "d-1", System.currentTimeMillis() / 1000 - 3600), "garbage", good.substring(0, good.length() - 2) + "AA")) {
            URI uri = URI.create("ws://127.0.0.1:" + server.httpPort() + "/switchboard/app/socket?access_token=" + bad);
            CompletionException refused = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                    () -> http.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() { }).join());
            assertTrue(refused.getCause() instanceof WebSocketHandshakeException, String.valueOf(refused.getCause()));
            assertEquals(401, ((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode());
        }
        HttpResponse<String> plain = http.send(HttpRequest.newBuilder(server.url("/switchboard/app/socket?access_token=garbage")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, plain.statusCode());
        assertTrue(plain.body().contains("\"status\":401"), plain.body());
        Thread.sleep(1000);
        assertEquals(null, conversationOf(APP + "/u-401"), "a refused device reached the core");
        // the good one connects
        WebSocket ws = http.newWebSocketBuilder().buildAsync(
                URI.create("ws://127.0.0.1:" + server.httpPort() + "/switchboard/app/socket?access_token=" + good),
                new WebSocket.Listener() { }).join();
        ws.abort();

        HttpResponse<String> js = http.send(HttpRequest.newBuilder(server.url("/switchboard/app/client.js")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, js.statusCode());
        assertTrue(js.body().contains("export class AppClient"));
    }

    /** Last: it lowers the connection rate of the running server, which takes it without a restart. */
    @Test
    @Order(3)
    void aSourceOverItsConnectionRateGets429WithRetryAfter() throws Exception {
        server.configure("io.switchboard.channel.app", "connectRatePerMinute", "2");
        HttpClient http = HttpClient.newHttpClient();
        String good = token(SECRET, "u-429", "d-1", inAnHour());
        HttpResponse<String> limited = Api.await("a 429 once the lower rate is in force", WAIT, () -> {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        server.url("/switchboard/app/socket?access_token=" + good)).build(), HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 429 ? r : null;
            } catch (java.io.IOException e) {
                return null;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
        assertTrue(limited.body().contains("\"status\":429"), limited.body());
        CompletionException refused = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                () -> http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + server.httpPort()
                        + "/switchboard/app/socket?access_token=" + good), new WebSocket.Listener() { }).join());
        assertEquals(429, ((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode());
    }
}
