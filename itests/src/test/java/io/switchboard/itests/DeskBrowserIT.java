package io.switchboard.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testkit.TcpCut;
import io.switchboard.testkit.TestServer;
import io.switchboard.testkit.browser.Browser;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The agent desk and the web chat widget in a real (headless) Chromium against the distribution as
 * built: an agent and a customer in two browsers that share nothing, the customer's network cut
 * under them. A failed test leaves each browser's screenshot, HTML and console in
 * {@code target/browser-evidence}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeskBrowserIT {

    static final String PASSWORD = "It-" + UUID.randomUUID();
    static final String AGENT = "it-wang";
    static final String AGENT_PASSWORD = "Wang-" + UUID.randomUUID();
    static final Duration WAIT = Duration.ofSeconds(30);
    static final Path EVIDENCE = Path.of(System.getProperty("switchboard.itest.dir", "target/servers"))
            .resolveSibling("browser-evidence");

    static TestServer server;
    static Api api;

    final Map<String, Browser> browsers = new LinkedHashMap<>();

    @RegisterExtension
    final AfterTestExecutionCallback evidence = context -> {
        if (context.getExecutionException().isPresent()) {
            browsers.forEach((name, b) -> b.saveEvidence(EVIDENCE, context.getRequiredTestMethod().getName() + "-" + name));
        }
    };

    @BeforeAll
    static void boot() {
        // before the server boots: without Chromium this class fails at once, saying what to install
        Browser.requireInstalled();
        server = Distribution.unpack(PASSWORD)
                .addAgent(AGENT, AGENT_PASSWORD)
                .requireRoutes("switchboard-conversation/conversation-inbound", "switchboard-webchat/webchat-outbound",
                        "switchboard-webchat/webchat-outbound", "switchboard-desk/desk-events");
        // assigned before it starts, so a boot that never gets healthy is still stopped after the class
        server.start();
        api = new Api(server);
        // no skills: only what needs none is routed to 小王, the rest waits in the queue for whoever takes it
        api.expect(200, "PUT", "/switchboard/api/agents/" + AGENT,
                "{\"name\":\"小王\",\"skills\":{},\"capacity\":{\"webchat\":5,\"*\":2},\"workplace\":\"CENTRE\"}", api.admin());
    }

    @AfterAll
    static void shutDown() {
        if (server != null) {
            server.stop();
        }
    }

    @AfterEach
    void closeBrowsers() {
        browsers.values().forEach(Browser::close);
        browsers.clear();
    }

    Browser browser(String name) {
        Browser b = Browser.start();
        browsers.put(name, b);
        return b;
    }

    static String agentAuth() {
        return TestServer.basicAuth(AGENT, AGENT_PASSWORD);
    }

    /** The conversation, or null until the core has stored it (the widget's 202 comes before that). */
    static JsonObject conversation(String id) {
        Api.Reply r = api.call("GET", "/switchboard/api/conversations/" + id, null, api.admin());
        if (r.status() == 404) {
            return null;
        }
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    static String state(String id) {
        JsonObject c = conversation(id);
        return c == null ? "NONE" : c.getString("state");
    }

    static List<JsonObject> messages(String conversationId, String direction) {
        return api.expect(200, "GET", "/switchboard/api/conversations/" + conversationId + "/messages", null, api.admin())
                .array().stream().map(JsonValue::asJsonObject)
                .filter(m -> m.getString("direction").equals(direction)).toList();
    }

    static List<String> texts(List<JsonObject> messages) {
        return messages.stream().map(m -> m.getJsonArray("parts").getJsonObject(0).getString("text")).toList();
    }

    /** The agent logs in to the desk; returns once its event stream is connected. */
    static void logIn(Browser desk, URI url) {
        desk.open(url);
        desk.find("#login-user").type(AGENT);
        desk.find("#login-password").type(AGENT_PASSWORD);
        desk.find("#login-submit").click();
        desk.await("the desk after login", WAIT, () -> desk.find("#desk-view").displayed());
        assertEquals(AGENT, desk.find("#me-name").text());
        desk.await("the desk's event stream", WAIT, () -> "true".equals(desk.find("#live").attribute("data-live")));
    }

    /** The visitor writes in the widget; returns once the server took it (202). */
    static Browser.Element visitorWrites(Browser widget, String text) {
        widget.find("#sb-input").type(text);
        widget.find("#sb-send").click();
        return widget.await("\"" + text + "\" sent", WAIT, () -> widget.all("#sb-messages .sb-own").stream()
                .filter(e -> e.text().contains(text) && "sent".equals(e.attribute("data-state"))).findFirst().orElse(null));
    }

    /** A step whose failure also tells what state the server has the conversation in. */
    static <T> T saying(String conversationId, java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n(the server has conversation " + conversationId + " in state "
                    + state(conversationId) + ")", e);
        }
    }

    /** Clicks the element once it is there; lists are re-rendered as events arrive, so it is looked up afresh. */
    static void click(Browser b, String css) {
        b.await("to click " + css, WAIT, () -> b.first(css).map(e -> {
            e.click();
            return true;
        }).orElse(null));
    }

    static String selector(String list, String conversationId) {
        return list + " [data-conversation-id=\"" + conversationId + "\"]";
    }

    @Test
    @Order(1)
    void theDeskAndTheWidgetAreServedAndTheAgentsStreamNeedsALogin() throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        // the HTTP whiteboard publishes files a moment after the bundles' routes report started
        for (String file : List.of("/switchboard/desk/desk.js", "/switchboard/desk/desk.css", "/switchboard/webchat/index.html")) {
            Api.await(file, WAIT, () -> status(http, file) == 200);
        }
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(server.url("/switchboard/desk/")).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").toLowerCase().contains("charset=utf-8"));
        assertTrue(page.body().contains("id=\"login-user\""));
        HttpResponse<String> bare = http.send(HttpRequest.newBuilder(server.url("/switchboard/desk")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(302, bare.statusCode());
        assertTrue(bare.headers().firstValue("Location").orElse("").endsWith("/switchboard/desk/"));
        byte[] widget = http.send(HttpRequest.newBuilder(server.url("/switchboard/webchat/widget.js")).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body();
        for (byte b : widget) {
            assertTrue(b >= 0, "widget.js must be ASCII: it runs on pages of any encoding");
        }

        Api.Reply anonymous = api.call("GET", "/switchboard/api/desk/stream", null, null);
        assertEquals(401, anonymous.status());
        assertEquals(401, anonymous.json().getInt("status"));
        assertEquals(401, api.call("GET", "/switchboard/api/desk/stream?access_token=forged.token", null, null).status());
        // a page whose token has expired is answered in the token's scheme: a Basic challenge would open
        // the browser's own login dialog over the desk; scripts sending Basic still get Basic
        HttpResponse<String> expired = http.send(HttpRequest.newBuilder(server.url("/switchboard/api/conversations?state=open"))
                .header("Authorization", "Bearer forged.token").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, expired.statusCode(), expired.body());
        assertEquals("Bearer realm=\"switchboard\", error=\"invalid_token\"", expired.headers().firstValue("WWW-Authenticate").orElse(""));
        HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(server.url("/switchboard/api/conversations?state=open"))
                .header("Authorization", TestServer.basicAuth(AGENT, "not-" + AGENT_PASSWORD)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, wrong.statusCode(), wrong.body());
        assertTrue(wrong.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic realm="), wrong.headers().toString());

        String token = api.expect(201, "POST", "/switchboard/api/sessions",
                "{\"user\":\"" + AGENT + "\",\"password\":\"" + AGENT_PASSWORD + "\"}", null).json().getString("token");
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        var stream = http.sendAsync(HttpRequest.newBuilder(server.url("/switchboard/api/desk/stream?access_token=" + token))
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines())
                .thenAcceptAsync(r -> {
                    lines.add("HTTP " + r.statusCode() + " " + r.headers().firstValue("Content-Type").orElse(""));
                    r.body().forEach(lines::add);
                }, Http.STREAMS);
        try {
            String head = lines.poll(10, TimeUnit.SECONDS);
            assertTrue(head != null && head.startsWith("HTTP 200 text/event-stream"), String.valueOf(head));
            assertEquals(": connected", Api.await("the stream's opening", WAIT, () -> {
                String l = lines.poll();
                return l != null && l.startsWith(":") ? l : null;
            }));
            api.expect(200, "PUT", "/switchboard/api/agents/me/presence", "{\"presence\":\"AWAY\"}", agentAuth());
            String data = Api.await("agent.presence on the desk stream", WAIT, () -> {
                String l = lines.poll();
                if (l != null && l.equals("event: agent.presence")) {
                    try {
                        return lines.poll(5, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
                return null;
            });
            assertTrue(data.startsWith("data: {") && data.contains("\"agentId\":\"" + AGENT + "\"") && data.contains("AWAY"), data);
        } finally {
            stream.cancel(true);
        }
    }

    @Test
    @Order(2)
    void anAgentTakesAHandOffInTheDeskAndTheCustomerSeesTheReplyLive() {
        Browser desk = browser("desk");
        Browser widget = browser("widget");
        logIn(desk, server.url("/switchboard/desk/"));
        desk.await("the presence selector", WAIT, () -> "false".equals(desk.find("#presence").property("disabled")));
        desk.find("#presence").select("AVAILABLE");
        Api.await("小王 available", WAIT, () -> api.expect(200, "GET", "/switchboard/api/agents/me", null, agentAuth())
                .json().getString("presence").equals("AVAILABLE"));

        widget.open(server.url("/switchboard/webchat/index.html"));
        visitorWrites(widget, "我要转人工");
        String conversationId = widget.find("#sb-webchat").attribute("data-conversation-id");
        assertFalse(conversationId == null || conversationId.isBlank(), "the widget keeps the conversation it is in");

        // pushed to the desk, never polled: waiting in the queue (accept it), or already routed to 小王 (open it)
        String inQueue = selector("#queue", conversationId);
        String inMine = selector("#mine", conversationId);
        saying(conversationId, () -> desk.await("the hand-off in the desk, and 小王 taking it", WAIT, () -> {
            var queued = desk.first(inQueue + " .accept");
            if (queued.isPresent()) {
                queued.get().click();
                return true;
            }
            var mine = desk.first(inMine);
            mine.ifPresent(Browser.Element::click);
            return mine.isPresent() ? true : null;
        }));
        desk.find(inMine);
        desk.find("#pane[data-conversation-id=\"" + conversationId + "\"]");
        desk.first("#accept").filter(Browser.Element::displayed).ifPresent(Browser.Element::click);
        JsonObject taken = Api.await("the conversation with 小王", WAIT, () -> {
            JsonObject c = conversation(conversationId);
            return c != null && AGENT.equals(c.getString("assignedAgentId", null)) ? c : null;
        });
        assertEquals("ASSIGNED", taken.getString("state"));

        desk.findWithText("#timeline li", "我要转人工");
        desk.findWithText("#messages [data-direction=INBOUND]", "我要转人工");
        Browser.Element channel = desk.find("#reply-channel");
        assertTrue(channel.property("value").contains("webchat"), channel.property("value"));

        String reply = "您好，我是客服小王 👋";
        desk.find("#reply-text").type(reply);
        desk.find("#reply-send").click();
        desk.findWithText("#messages [data-direction=OUTBOUND]", reply);
        widget.findWithText("#sb-messages [data-direction=OUTBOUND]", reply);
        desk.findWithText("#timeline li", reply);

        // and back: the customer's next words appear in the open conversation by themselves
        visitorWrites(widget, "谢谢！我的订单号是 SB-2024-001");
        desk.findWithText("#messages [data-direction=INBOUND]", "SB-2024-001");
        assertEquals(1, widget.count("#sb-messages [data-direction=OUTBOUND]", reply), "the reply is shown once");
        assertEquals(List.of(reply), texts(messages(conversationId, "OUTBOUND")).stream().filter(reply::equals).toList(),
                "stored once");

        // a transfer to skills 小王 lacks puts it back in the queue, from where he takes it again
        desk.find("#transfer-skills").type("售后:1");
        desk.find("#transfer-submit").click();
        desk.find(inQueue);
        assertEquals("QUEUED", state(conversationId));
        click(desk, inQueue + " .accept");
        desk.find(inMine);
        Api.await("taken again", WAIT, () -> AGENT.equals(conversation(conversationId).getString("assignedAgentId", null)));

        desk.find("#close").click();
        desk.await("closed in the pane", WAIT, () -> "CLOSED".equals(desk.find("#conversation-state").text()));
        desk.await("gone from my conversations", WAIT, () -> desk.first(selector("#mine", conversationId)).isEmpty());
        assertEquals("CLOSED", state(conversationId));
    }

    @Test
    @Order(3)
    void whatTheCustomerWritesOrIsSentAcrossACutArrivesExactlyOnce() throws Exception {
        try (TcpCut link = TcpCut.to("127.0.0.1", server.httpPort())) {
            Browser widget = browser("widget");
            widget.open(link.url("/switchboard/webchat/index.html"));
            visitorWrites(widget, "转人工，我的包裹丢了");
            String conversationId = widget.find("#sb-webchat").attribute("data-conversation-id");
            JsonObject handedOff = Api.await("the hand-off", WAIT, () -> {
                JsonObject c = conversation(conversationId);
                return c != null && List.of("QUEUED", "ASSIGNED").contains(c.getString("state")) ? c : null;
            });
            if (!AGENT.equals(handedOff.getString("assignedAgentId", null))) {
                api.expect(200, "POST", "/switchboard/api/conversations/" + conversationId + "/accept", null, agentAuth());
            }
            agentReplies(conversationId, "收到，我来帮您查。");
            widget.findWithText("#sb-messages [data-direction=OUTBOUND]", "收到，我来帮您查。");

            // a lost acknowledgement: the server takes the message, the widget never hears so
            link.mute();
            widget.find("#sb-input").type("单号是 SF1234567890");
            widget.find("#sb-send").click();
            Api.await("the muted message on the server", WAIT,
                    () -> texts(messages(conversationId, "INBOUND")).contains("单号是 SF1234567890"));
            assertEquals("sending", ownState(widget, "SF1234567890"));

            // then the network goes: the customer keeps writing, the agent keeps answering
            link.cut();
            widget.find("#sb-input").type("你们在吗？");
            widget.find("#sb-send").click();
            widget.find("#sb-input").type("急！明天要用 🙏");
            widget.find("#sb-send").click();
            agentReplies(conversationId, "在的，正在联系快递公司。");
            agentReplies(conversationId, "已加急处理 🚚");
            Thread.sleep(2000);
            assertEquals("sending", ownState(widget, "你们在吗？"));
            assertEquals("sending", ownState(widget, "急！明天要用 🙏"));
            assertEquals(0, widget.count("#sb-messages [data-direction=OUTBOUND]", "已加急处理"));

            link.restore();
            widget.await("every message sent", Duration.ofSeconds(60), () -> widget.all("#sb-messages .sb-own").stream()
                    .allMatch(e -> "sent".equals(e.attribute("data-state"))));
            widget.findWithText("#sb-messages [data-direction=OUTBOUND]", "已加急处理 🚚");
            widget.findWithText("#sb-messages [data-direction=OUTBOUND]", "在的，正在联系快递公司。");

            List<String> written = List.of("转人工，我的包裹丢了", "单号是 SF1234567890", "你们在吗？", "急！明天要用 🙏");
            assertEquals(written, texts(messages(conversationId, "INBOUND")), "each message on the server once, in order");
            List<String> answers = List.of("收到，我来帮您查。", "在的，正在联系快递公司。", "已加急处理 🚚");
            assertOnce(widget, written, answers);

            // a new page load replays nothing twice either
            widget.reload();
            widget.await("the stream again", WAIT, () -> "online".equals(widget.find("#sb-webchat").attribute("data-connection")));
            Thread.sleep(1500);
            assertOnce(widget, written, answers);
            assertEquals(written, texts(messages(conversationId, "INBOUND")));
        }
    }

    static int status(HttpClient http, String path) {
        try {
            return http.send(HttpRequest.newBuilder(server.url(path)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void agentReplies(String conversationId, String text) {
        api.expect(201, "POST", "/switchboard/api/conversations/" + conversationId + "/replies",
                "{\"text\":\"" + text + "\",\"replyId\":\"" + UUID.randomUUID() + "\"}", agentAuth());
    }

    static String ownState(Browser widget, String text) {
        return widget.findWithText("#sb-messages .sb-own", text).attribute("data-state");
    }

    static void assertOnce(Browser widget, List<String> written, List<String> answers) {
        for (String w : written) {
            assertEquals(1, widget.count("#sb-messages .sb-own", w), "shown once: " + w);
        }
        for (String a : answers) {
            assertEquals(1, widget.count("#sb-messages [data-direction=OUTBOUND]", a), "shown once: " + a);
        }
    }
}
