package io.switchboard.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testkit.TestServer;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Issue 2's acceptance, against the distribution exactly as built. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FoundationIT {

    static final String PASSWORD = "It-" + UUID.randomUUID();
    static TestServer server;
    static Http http;

    /** What web-chat POSTs got while the server started: status (0: connection refused) and Retry-After. */
    static final List<String> answeredDuringStart = java.util.Collections.synchronizedList(new ArrayList<>());
    static int firstAfterUp;

    /**
     * Boots on health alone (no routes named), with a client posting web-chat messages all along, as a
     * load balancer's clients would; the moment health says UP, one more message.
     */
    @BeforeAll
    static void boot() throws Exception {
        server = Distribution.unpack(PASSWORD);
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .connectTimeout(java.time.Duration.ofSeconds(2)).build();
        java.net.URI messages = java.net.URI.create("http://127.0.0.1:" + server.httpPort() + "/switchboard/api/webchat/messages");
        java.util.concurrent.atomic.AtomicBoolean up = new java.util.concurrent.atomic.AtomicBoolean();
        String visitor = visitor();
        Thread client202 = new Thread(() -> {
            for (int i = 0; !up.get(); i++) {
                answeredDuringStart.add(post(client, messages, webchat(visitor, "启动中 " + i, "boot-" + i)));
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "posting-while-starting");
        client202.start();
        try {
            server.start();
            firstAfterUp = Integer.parseInt(post(client, messages, webchat(visitor(), "刚刚启动", null)).split(" ")[0]);
        } finally {
            up.set(true);
            client202.join(10_000);
        }
        http = new Http(server);
    }

    static String post(java.net.http.HttpClient client, java.net.URI uri, String body) {
        try {
            java.net.http.HttpResponse<String> r = client.send(java.net.http.HttpRequest.newBuilder(uri)
                    .timeout(java.time.Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            String answer = r.statusCode() + " " + r.headers().firstValue("Retry-After").orElse("-") + " "
                    + r.headers().firstValue("Content-Type").orElse("-");
            if (r.statusCode() == 404) {
                answer += " " + r.body();
            }
            return answer;
        } catch (java.io.IOException e) {
            return "0 refused " + e.getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "0 interrupted";
        }
    }

    @AfterAll
    static void shutDown() {
        if (server != null) {
            server.stop();
        }
    }

    static String visitor() {
        return "it-" + UUID.randomUUID().toString().replace("-", "");
    }

    static String webchat(String visitorId, String text, String clientMessageId) {
        return "{\"visitorId\":\"" + visitorId + "\",\"text\":\"" + text + "\""
                + (clientMessageId != null ? ",\"clientMessageId\":\"" + clientMessageId + "\"" : "") + "}";
    }

    static <T> T await(String what, Supplier<T> probe) {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    /** What the customer wrote (the bot's and agents' answers left out), oldest first. */
    static List<String> texts(String conversationId) {
        Http.Reply r = http.asAdmin("/switchboard/api/conversations/" + conversationId + "/messages");
        if (r.status() == 404) {
            return List.of();
        }
        assertEquals(200, r.status(), r.body());
        List<String> texts = new ArrayList<>();
        for (JsonValue v : r.array()) {
            if (v.asJsonObject().getString("direction").equals("INBOUND")) {
                texts.add(v.asJsonObject().getJsonArray("parts").getJsonObject(0).getString("text"));
            }
        }
        return texts;
    }

    /**
     * From the first answer Switchboard gives, a post is answered 503 with Retry-After (a problem document)
     * until it is taken, never 404. Before that answer the connection is refused, or, for the moment
     * between Jetty's listening and the platform's first servlet being deployed (Pax Web starts Jetty
     * before any bundle's servlet is there), Jetty answers its own HTML page: a 503 with Retry-After
     * (etc/jetty.xml), where Jetty alone would say 404.
     */
    @Test
    @Order(0)
    void whileStartingAPostIsAnswered503WithRetryAfterNeverA404() {
        assertFalse(answeredDuringStart.isEmpty());
        boolean ours = false;
        for (String answer : answeredDuringStart) {
            String status = answer.split(" ")[0];
            // etc/jetty.xml: what no context takes yet is Jetty's 503 page, with Retry-After
            boolean jettys = answer.startsWith("503 2 text/html");
            ours |= !status.equals("0") && !jettys;
            if (ours) {
                assertTrue(status.equals("202") || answer.startsWith("503 2 application/problem+json"),
                        "during start: " + answer + " in " + answeredDuringStart);
            } else {
                assertTrue(status.equals("0") || jettys, "before Switchboard answered: " + answer);
            }
        }
        assertTrue(ours, "Switchboard never answered during start: " + answeredDuringStart);
        assertEquals(202, firstAfterUp, "the first web-chat message once health said UP");
    }

    @Test
    @Order(0)
    void livenessAnswersAnonymouslyAndAPathNobodyServesIsA404Problem() {
        Http.Reply live = http.get("/switchboard/api/live", null);
        assertEquals(200, live.status(), live.body());
        assertEquals("UP", live.json().getString("status"));
        for (String path : List.of("/switchboard/api/no-such-thing", "/switchboard/no-such-thing")) {
            Http.Reply none = http.get(path, null);
            assertEquals(404, none.status(), path + " " + none.body());
            assertEquals(404, none.json().getInt("status"), none.body());
        }
        JsonObject health = http.get("/switchboard/api/health", null).json();
        assertEquals(0, health.getJsonArray("pending").size(), health.toString());
    }

    @Test
    @Order(1)
    void bootsCleanAndAnswersHealthAnonymously() {
        Http.Reply health = http.get("/switchboard/api/health", null);
        assertEquals(200, health.status(), health.body());
        JsonObject h = health.json();
        assertEquals("UP", h.getString("status"));
        assertEquals("UP", h.getString("bus"));
        assertEquals("UP", h.getString("database"));
        assertEquals("Started", h.getJsonObject("routes").getString("switchboard-webchat/webchat-outbound"));
        assertEquals("Started", h.getJsonObject("routes").getString("switchboard-conversation/conversation-inbound"));

        Http.Reply openApi = http.get("/switchboard/api/openapi.json", null);
        assertEquals(200, openApi.status());
        assertEquals("3.0.3", openApi.json().getString("openapi"));
        assertTrue(openApi.json().getJsonObject("paths").containsKey("/conversations/{id}/replies"));

        String bundles = server.shell("bundle:list -t 0 --no-format");
        assertTrue(bundles.lines().filter(l -> l.contains("Active")).count() > 150, bundles);
        // every bundle is Active except fragments, which are Resolved with their hosts
        List<String> notActive = bundles.lines().filter(l -> l.matches("\\s*\\d+\\s.*"))
                .filter(l -> !l.contains("Active") && !(l.contains("Resolved") && l.contains("Hosts:"))).toList();
        assertTrue(notActive.isEmpty(), "bundles not active: " + notActive);
        assertFalse(server.log().lines().anyMatch(l -> l.contains("| ERROR |")), () -> "ERROR in log:\n" + server.log());

        String status = server.shell("switchboard:status");
        assertTrue(status.lines().anyMatch(l -> l.startsWith("switchboard") && l.endsWith("UP")), status);
    }

    @Test
    @Order(2)
    void aVisitorsMessageReachesTheAgentAndTheReplyReachesTheVisitorsStream() throws Exception {
        String visitorId = visitor();
        BlockingQueue<String> stream = http.stream(visitorId);
        String text = "你好！我的包裹还没到 📦🙏";
        Http.Reply accepted = http.postJson("/switchboard/api/webchat/messages", webchat(visitorId, text, "c-1"), false);
        assertEquals(202, accepted.status(), accepted.body());
        String conversationId = accepted.json().getString("conversationId");
        assertNotNull(accepted.json().getString("messageId"));

        assertEquals(List.of(text), await("message in the agent's view", () -> {
            List<String> t = texts(conversationId);
            return t.isEmpty() ? null : t;
        }));
        Http.Reply open = http.asAdmin("/switchboard/api/conversations?state=open");
        assertTrue(open.array().stream().anyMatch(c -> c.asJsonObject().getString("id").equals(conversationId)), open.body());

        String answer = "您好，我马上帮您查询 🚚";
        Http.Reply reply = http.postJson("/switchboard/api/conversations/" + conversationId + "/replies",
                "{\"text\":\"" + answer + "\"}", true);
        assertEquals(201, reply.status(), reply.body());
        // the bot may have spoken first (it hands over what it cannot answer): the agent's reply follows
        String event = eventContaining(stream, answer);
        assertNotNull(event, "no event on the visitor's stream");
        assertTrue(event.contains(answer), event);
        assertTrue(event.contains("\"agentId\":\"admin\""), event);

        // a widget that opens its stream later (or reconnects) still gets what was sent
        String replayed = eventContaining(http.stream(visitorId), answer);
        assertNotNull(replayed, "a late stream did not get the earlier reply");
        assertTrue(replayed.contains(answer), replayed);
    }

    /** The first event with {@code text} within 30 s, or null. */
    static String eventContaining(BlockingQueue<String> stream, String text) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        String event;
        do {
            event = stream.poll(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
        } while (event != null && !event.contains(text));
        return event;
    }

    @Test
    @Order(3)
    void theSameClientMessageIdTwiceIsOneMessage() {
        String visitorId = visitor();
        Http.Reply first = http.postJson("/switchboard/api/webchat/messages", webchat(visitorId, "once", "dup-1"), false);
        Http.Reply second = http.postJson("/switchboard/api/webchat/messages", webchat(visitorId, "once", "dup-1"), false);
        assertEquals(202, first.status());
        assertEquals(202, second.status());
        assertEquals(first.json().getString("messageId"), second.json().getString("messageId"));
        String conversationId = first.json().getString("conversationId");
        http.postJson("/switchboard/api/webchat/messages", webchat(visitorId, "marker", "dup-2"), false);
        assertEquals(List.of("once", "marker"), await("both messages", () -> {
            List<String> t = texts(conversationId);
            return t.contains("marker") ? t : null;
        }));
    }

    @Test
    @Order(4)
    void badInputIsAProblemAndNothingGoesOnTheBus() {
        long before = inboundMessagesAdded();
        Http.Reply malformed = http.postJson("/switchboard/api/webchat/messages", "{\"visitorId\": \"abc", false);
        assertEquals(400, malformed.status(), malformed.body());
        assertTrue(malformed.contentType().startsWith("application/problem+json"), malformed.contentType());
        assertEquals(400, malformed.json().getInt("status"));

        Http.Reply huge = http.postJson("/switchboard/api/webchat/messages",
                webchat(visitor(), "x".repeat(20_000), null), false);
        assertEquals(413, huge.status(), huge.body());
        assertTrue(huge.contentType().startsWith("application/problem+json"));
        assertEquals(before, inboundMessagesAdded(), "a refused request reached sb.inbound");

        Http.Reply anonymous = http.get("/switchboard/api/conversations", null);
        assertEquals(401, anonymous.status());
        Http.Reply wrong = http.get("/switchboard/api/conversations",
                "Basic " + Base64.getEncoder().encodeToString("admin:wrong".getBytes(StandardCharsets.UTF_8)));
        assertEquals(401, wrong.status());
        assertEquals(404, http.asAdmin("/switchboard/api/conversations/nope/messages").status());
    }

    /** What Artemis counts as added to sb.inbound, read through Jolokia (which needs the login too). */
    static long inboundMessagesAdded() {
        String mbean = "org.apache.activemq.artemis:broker=*,component=addresses,address=%22sb.inbound%22,"
                + "subcomponent=queues,routing-type=%22anycast%22,queue=%22sb.inbound%22";
        Http.Reply r = http.asAdmin("/hawtio/jolokia/read/" + mbean + "/MessagesAdded");
        assertEquals(200, r.status(), r.body());
        JsonObject value = r.json().getJsonObject("value");
        return value.values().stream().mapToLong(v -> v.asJsonObject().getJsonNumber("MessagesAdded").longValue()).sum();
    }

    @Test
    @Order(5)
    void aMessageThatFailsIsDeadLetteredWithItsReasonAndCanBeReplayed() throws Exception {
        JmsConnectionFactory factory = new JmsConnectionFactory(TestServer.ADMIN, PASSWORD, server.busUrl());
        try (Connection c = factory.createConnection(); Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
             MessageProducer p = s.createProducer(s.createQueue("sb.inbound"))) {
            p.send(s.createTextMessage("{\"direction\":\"INBOUND\", not json"));
        }
        JsonObject dead = await("dead letter", () -> {
            Http.Reply r = http.asAdmin("/switchboard/api/dead-letters/DLQ.sb.inbound");
            return r.status() == 200 && !r.array().isEmpty() ? r.array().getJsonObject(0) : null;
        });
        assertEquals("sb.inbound", dead.getString("origin"));
        assertTrue(dead.getString("reason").contains("IllegalArgumentException"), dead.toString());
        assertEquals("{\"direction\":\"INBOUND\", not json", dead.getString("body"));

        long before = inboundMessagesAdded();
        Http.Reply replay = http.postJson("/switchboard/api/dead-letters/DLQ.sb.inbound/replay", "{}", true);
        assertEquals(200, replay.status(), replay.body());
        assertEquals(1, replay.json().getInt("replayed"));
        assertEquals(before + 1, inboundMessagesAdded(), "the replay did not go back to sb.inbound");
        // still poison, so it comes back with its reason: moved, never lost
        await("dead letter again", () -> {
            Http.Reply r = http.asAdmin("/switchboard/api/dead-letters/DLQ.sb.inbound");
            return r.array().size() == 1 ? r : null;
        });
    }

    @Test
    @Order(7)
    void aPoisonMessageInsideABatchIsDeadLetteredAloneAndTheRestOfTheBatchIsStored() throws Exception {
        int deadBefore = http.asAdmin("/switchboard/api/dead-letters/DLQ.sb.inbound").array().size();
        String visitorId = visitor();
        String poison = "{\"direction\":\"INBOUND\", poison " + visitorId;
        List<String> sent = new ArrayList<>();
        JmsConnectionFactory factory = new JmsConnectionFactory(TestServer.ADMIN, PASSWORD, server.busUrl());
        // one broker transaction: the consumer finds all 21 ready at once and takes them as one batch
        try (Connection c = factory.createConnection(); Session s = c.createSession(true, Session.SESSION_TRANSACTED);
             MessageProducer p = s.createProducer(s.createQueue("sb.inbound"))) {
            for (int i = 0; i < 20; i++) {
                if (i == 10) {
                    // in the same group as the good ones, so the same consumer takes it in the same batch
                    jakarta.jms.TextMessage bad = s.createTextMessage(poison);
                    bad.setStringProperty("JMSXGroupID", "webchat:" + visitorId);
                    p.send(bad);
                }
                String text = "批 " + i;
                jakarta.jms.TextMessage m = s.createTextMessage("{\"id\":\"" + UUID.randomUUID() + "\",\"direction\":\"INBOUND\","
                        + "\"address\":{\"channel\":\"webchat\",\"address\":\"" + visitorId + "\"},"
                        + "\"time\":\"2026-01-01T00:00:" + (10 + i) + "Z\",\"parts\":[{\"kind\":\"TEXT\",\"text\":\"" + text + "\"}]}");
                m.setStringProperty("JMSXGroupID", "webchat:" + visitorId);
                p.send(m);
                sent.add(text);
            }
            s.commit();
        }
        JsonObject dead = await("the poison dead-lettered", () -> {
            Http.Reply r = http.asAdmin("/switchboard/api/dead-letters/DLQ.sb.inbound");
            return r.array().stream().map(JsonValue::asJsonObject).filter(d -> d.getString("body").equals(poison))
                    .findFirst().orElse(null);
        });
        assertEquals("sb.inbound", dead.getString("origin"));
        String conversationId = await("the rest of the batch stored", () -> {
            Http.Reply r = http.asAdmin("/switchboard/api/conversations?state=open");
            return r.array().stream().map(JsonValue::asJsonObject)
                    .filter(c -> c.getJsonObject("address").getString("address").equals(visitorId))
                    .map(c -> c.getString("id")).findFirst().orElse(null);
        });
        List<String> stored = await("all 20", () -> {
            List<String> t = texts(conversationId);
            return t.size() >= sent.size() ? t : null;
        });
        assertEquals(sent, stored, "the good messages of a batch with a poison one must all be stored, each once");
        assertEquals(deadBefore + 1, http.asAdmin("/switchboard/api/dead-letters/DLQ.sb.inbound").array().size(),
                "only the poison message may be dead-lettered");
    }

    @Test
    @Order(6)
    void hawtioIsBehindTheLoginAndListsTheWebchatRoutes() {
        Http.Reply anonymousPage = http.get("/hawtio/", null);
        assertEquals(302, anonymousPage.status(), "Hawtio must send an anonymous visitor to its login");
        assertTrue(anonymousPage.location().contains("login"), anonymousPage.location());
        Http.Reply login = http.get(java.net.URI.create(anonymousPage.location()).getPath(), null);
        assertTrue(login.status() == 200 && login.body().toLowerCase().contains("hawtio"),
                login.status() + " " + login.location() + " " + login.body());
        int anonymous = http.get("/hawtio/jolokia/version", null).status();
        assertTrue(anonymous == 401 || anonymous == 403, "Jolokia answered without a login: " + anonymous);
        Http.Reply routes = http.asAdmin("/hawtio/jolokia/search/org.apache.camel:type=routes,*");
        assertEquals(200, routes.status(), routes.body());
        assertTrue(routes.body().contains("conversation-inbound") && routes.body().contains("webchat-outbound"), routes.body());
    }

    @Test
    @Order(8)
    void aMessageAcceptedJustBeforeAKillMinus9IsThereExactlyOnceAfterRestart() {
        String visitorId = visitor();
        List<String> sent = new ArrayList<>();
        String conversationId = null;
        for (int i = 0; i < 20; i++) {
            Http.Reply r = http.postJson("/switchboard/api/webchat/messages", webchat(visitorId, "m" + i, "k" + i), false);
            assertEquals(202, r.status(), r.body());
            conversationId = r.json().getString("conversationId");
            sent.add("m" + i);
        }
        server.kill();
        server.start();
        String id = conversationId;
        List<String> stored = await("all messages after restart", () -> {
            List<String> t = texts(id);
            return t.size() >= sent.size() ? t : null;
        });
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        assertEquals(sent, texts(id), "lost or doubled across kill -9: " + stored);
    }

    @Test
    @Order(20)
    void personalDataInALogLineIsMaskedInTheLogFile() {
        String openId = "oDemo" + "A1b2C3d4E5f6G7h8I9j0K1l2M3".substring(0, 23);
        String visitor = visitor();
        String line = "probe 客户 +8613800138000 and 13912345678, mail li.na@example.cn, OpenID " + openId
                + ", address webchat:" + visitor + ", order WO-20261207-0001, at 1796609234123";
        String out = server.shell("log:log \"" + line + "\"");
        assertFalse(out.toLowerCase(java.util.Locale.ROOT).contains("error"), out);
        String logged = await("the probe line in the log", () -> server.log().lines().filter(l -> l.contains("probe 客户"))
                .findFirst().orElse(null));
        assertTrue(logged.contains("138****8000 and 139****5678, mail ***@***, OpenID o***, address webchat:***,"
                + " order WO-20261207-0001, at 1796609234123"), logged);
        for (String clear : List.of("13800138000", "13912345678", "li.na@example.cn", openId, visitor)) {
            assertFalse(server.log().contains(clear), clear + " is in the log in clear");
        }
    }
}
