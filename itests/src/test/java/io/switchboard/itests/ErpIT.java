package io.switchboard.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.sandbox.erp.SandboxErp;
import io.switchboard.testkit.TestBroker;
import io.switchboard.testkit.TestServer;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 5 on the distribution as built, with the ERP sandbox over HTTP: a logged-in agent creates an
 * ERP order from a web-chat conversation through the systems' request API; the order is in the ERP,
 * the request answers OK with its number, and the customer's timeline shows it. An out-of-stock
 * order is a FAULT the agent sees; with the ERP stopped the request stays PENDING, says the ERP is
 * down, and completes with one order when it is back.
 */
class ErpIT {

    static final String PASSWORD = "It-" + UUID.randomUUID();
    static final String AGENT = "agent-erp";
    static final String AGENT_PASSWORD = "Agent-" + UUID.randomUUID();
    static final Duration WAIT = Duration.ofSeconds(30);

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static SandboxErp erp;
    static TestServer server;
    static Api api;
    static String agent;

    @BeforeAll
    static void boot() {
        erp = SandboxErp.start(TestBroker.freePort()).apiKey("it-" + UUID.randomUUID());
        erp.product("KETTLE-17", "电热水壶 1.7L", "199.00").stock("KETTLE-17", "北京仓", 50);
        erp.product("FILTER-RO", "净水器滤芯（三支装）", "89.90").stock("FILTER-RO", "广州仓", 1);
        server = Distribution.unpack(PASSWORD)
                .configure("io.switchboard.system.erp", "endpoint", erp.url())
                .configure("io.switchboard.system.erp", "apiKey", erp.apiKey())
                .configure("io.switchboard.system.erp", "failureThreshold", "2")
                .configure("io.switchboard.system.erp", "coolDownSeconds", "2")
                .configure("io.switchboard.system.erp", "retryFirstMillis", "200")
                .configure("io.switchboard.system.erp", "retryMaxSeconds", "1")
                .configure("io.switchboard.flows", "sweepSeconds", "1")
                .configure("io.switchboard.conversation", "botEnabled", "false")
                .addAgent(AGENT, AGENT_PASSWORD)
                .requireRoutes("switchboard-conversation/conversation-inbound", "switchboard-webchat/webchat-outbound",
                        "switchboard-flows/flows-agent-replies", "switchboard-erp/erp-requests");
        server.start();
        api = new Api(server);
        Api.await("the systems API", WAIT, () -> api.call("GET", "/switchboard/api/systems", null, api.admin()).status() == 200);
        api.expect(200, "PUT", "/switchboard/api/agents/" + AGENT, "{\"name\":\"" + AGENT + "\",\"skills\":{},"
                + "\"capacity\":{\"*\":50},\"workplace\":\"CENTRE\"}", api.admin());
        agent = "Bearer " + api.expect(201, "POST", "/switchboard/api/sessions",
                "{\"user\":\"" + AGENT + "\",\"password\":\"" + AGENT_PASSWORD + "\"}", null).json().getString("token");
    }

    @AfterAll
    static void shutDown() {
        if (server != null) {
            server.stop();
        }
        if (erp != null) {
            erp.close();
        }
    }

    /** A visitor writes in the widget; returns the stored conversation, which the agent then holds. */
    static JsonObject conversation(String text) {
        String visitor = "it-" + UUID.randomUUID().toString().replace("-", "");
        String id = api.expect(202, "POST", "/switchboard/api/webchat/messages", "{\"visitorId\":\"" + visitor
                + "\",\"text\":\"" + text + "\",\"clientMessageId\":\"" + UUID.randomUUID() + "\"}", null).json()
                .getString("conversationId");
        Api.await("conversation " + id, WAIT, () -> api.call("GET", "/switchboard/api/conversations/" + id, null, api.admin())
                .status() == 200);
        // an agent asks systems only in a conversation they hold (docs/access.md)
        return api.expect(200, "POST", "/switchboard/api/conversations/" + id + "/transfer",
                "{\"toAgentId\":\"" + AGENT + "\"}", api.admin()).json();
    }

    static String createOrder(String conversationId, String sku, int quantity) {
        return "{\"operation\":\"CreateOrder\",\"conversationId\":\"" + conversationId + "\",\"params\":{"
                + "\"name\":\"王小明\",\"phone\":\"+8613800138000\",\"address\":\"北京市朝阳区建国路 88 号 3 单元 502\","
                + "\"note\":\"工作日白天送货\",\"item.0.sku\":\"" + sku + "\",\"item.0.quantity\":\"" + quantity + "\"}}";
    }

    /** As the agent, with an {@code Idempotency-Key} when given. */
    static Api.Reply post(String body, String idempotencyKey) {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.url("/switchboard/api/systems/erp/requests"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json; charset=UTF-8")
                .header("Authorization", agent).POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Api.Reply(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonObject awaitStatus(String id, String status) {
        return Api.await("request " + id + " " + status, WAIT, () -> {
            JsonObject r = api.expect(200, "GET", "/switchboard/api/systems/requests/" + id, null, agent).json();
            return r.getString("status").equals(status) ? r : null;
        });
    }

    static List<String> timeline(String customerId) {
        return api.expect(200, "GET", "/switchboard/api/customers/" + customerId + "/timeline?limit=100", null, api.admin())
                .json().getJsonArray("entries").getValuesAs(JsonObject.class).stream()
                .map(e -> e.containsKey("summary") ? e.getString("summary") : "").toList();
    }

    @Test
    void anAgentCreatesAnErpOrderFromAWebChatAndTheTimelineShowsIt() {
        JsonObject conversation = conversation("我想买两个电热水壶，送到北京");
        String key = UUID.randomUUID().toString();
        Api.Reply accepted = post(createOrder(conversation.getString("id"), "KETTLE-17", 2), key);
        assertEquals(202, accepted.status(), accepted.body());
        assertEquals("PENDING", accepted.json().getString("status"));
        String id = accepted.json().getString("id");
        Api.Reply repeat = post(createOrder(conversation.getString("id"), "KETTLE-17", 2), key);
        assertEquals(200, repeat.status(), repeat.body());
        assertEquals(id, repeat.json().getString("id"), "the same Idempotency-Key is the same request");

        JsonObject done = awaitStatus(id, "OK");
        String number = done.getJsonObject("data").getString("number");
        assertEquals("erp", done.getString("system"));
        assertEquals("CreateOrder", done.getString("operation"));
        assertEquals("398.00", done.getJsonObject("data").getString("total"));
        assertTrue(done.containsKey("answeredAt") && done.containsKey("requestedAt"), done.toString());
        SandboxErp.Order order = erp.order(number).orElseThrow();
        assertEquals("王小明", order.customer().name());
        assertEquals("北京市朝阳区建国路 88 号 3 单元 502", order.shippingAddress());
        assertEquals(1, erp.orders().stream().filter(o -> id.equals(o.externalReference())).count(), "one order");

        String customerId = conversation.getString("customerId");
        List<String> seen = Api.await("the order on the timeline", WAIT, () -> {
            List<String> t = timeline(customerId);
            return t.stream().anyMatch(s -> s.startsWith("ERP order " + number + " created")) ? t : null;
        });
        assertTrue(seen.stream().anyMatch(s -> s.contains("电热水壶 1.7L × 2")), seen.toString());

        JsonObject listed = api.expect(200, "GET", "/switchboard/api/systems/requests?conversationId=" + conversation.getString("id"),
                null, agent).array().getJsonObject(0);
        assertEquals(id, listed.getString("id"));
    }

    @Test
    void anOutOfStockOrderIsAFaultTheAgentSees() {
        JsonObject conversation = conversation("净水器滤芯要五套");
        Api.Reply accepted = post(createOrder(conversation.getString("id"), "FILTER-RO", 5), null);
        assertEquals(202, accepted.status(), accepted.body());
        JsonObject fault = awaitStatus(accepted.json().getString("id"), "FAULT");
        assertEquals("OUT_OF_STOCK", fault.getJsonObject("data").getString("faultCode"));
        assertEquals("商品 净水器滤芯（三支装）（FILTER-RO）库存不足：需要 5，可用 1", fault.getString("fault"));
        assertEquals(1, erp.available("FILTER-RO"), "nothing taken");
        Api.await("the fault on the timeline", WAIT, () -> timeline(conversation.getString("customerId")).stream()
                .anyMatch(s -> s.startsWith("ERP CreateOrder failed: 商品 净水器滤芯") && s.endsWith("(OUT_OF_STOCK)")));
    }

    @Test
    void whileTheErpIsDownTheRequestWaitsAndCompletesWithOneOrderWhenItIsBack() {
        JsonObject conversation = conversation("再订一个电热水壶");
        int port = erp.port();
        erp.stop();
        try {
            Api.Reply accepted = post(createOrder(conversation.getString("id"), "KETTLE-17", 1), UUID.randomUUID().toString());
            assertEquals(202, accepted.status(), accepted.body());
            String id = accepted.json().getString("id");
            JsonObject waiting = Api.await("erp unavailable on the request", WAIT, () -> {
                JsonObject r = api.expect(200, "GET", "/switchboard/api/systems/requests/" + id, null, agent).json();
                return r.getString("note", "").startsWith("erp unavailable since") ? r : null;
            });
            assertEquals("PENDING", waiting.getString("status"));
            assertEquals("DOWN", waiting.getString("systemState"));
            assertEquals("DOWN", api.expect(200, "GET", "/switchboard/api/systems/erp", null, agent).json().getString("state"));
            assertTrue(erp.orders().stream().noneMatch(o -> id.equals(o.externalReference())));

            erp.start();
            assertEquals(port, erp.port());
            JsonObject done = awaitStatus(id, "OK");
            assertEquals(1, erp.orders().stream().filter(o -> id.equals(o.externalReference())).count(), "exactly one order");
            assertTrue(erp.order(done.getJsonObject("data").getString("number")).isPresent());
            Api.await("erp up again", WAIT, () -> "UP".equals(api.expect(200, "GET", "/switchboard/api/systems/erp", null,
                    agent).json().getString("state")));
        } finally {
            erp.start();
        }
    }

    @Test
    void aBadSystemNameIsAProblemAndAnAnonymousCallerIsRefused() {
        JsonObject conversation = conversation("你好");
        Api.Reply bad = api.call("POST", "/switchboard/api/systems/ERP!/requests", createOrder(conversation.getString("id"),
                "KETTLE-17", 1), agent);
        assertEquals(400, bad.status(), bad.body());
        assertEquals(400, bad.json().getInt("status"));
        assertEquals(400, post("{\"operation\":\"CreateOrder\",\"params\":{}}", null).status(), "a conversation is required");
        assertEquals(401, api.call("POST", "/switchboard/api/systems/erp/requests", createOrder(conversation.getString("id"),
                "KETTLE-17", 1), null).status());
        assertEquals(404, api.call("GET", "/switchboard/api/systems/requests/no-such-request", null, agent).status());

        // a conversation another agent holds
        String notTheirs = api.expect(202, "POST", "/switchboard/api/webchat/messages", "{\"visitorId\":\"it-"
                + UUID.randomUUID().toString().replace("-", "") + "\",\"text\":\"你好\",\"clientMessageId\":\"c1\"}", null)
                .json().getString("conversationId");
        Api.await("conversation " + notTheirs, WAIT, () -> api.call("GET", "/switchboard/api/conversations/" + notTheirs, null,
                api.admin()).status() == 200);
        api.expect(200, "PUT", "/switchboard/api/agents/it-colleague", "{\"name\":\"同事\",\"skills\":{},"
                + "\"capacity\":{\"*\":5},\"workplace\":\"CENTRE\"}", api.admin());
        api.expect(200, "POST", "/switchboard/api/conversations/" + notTheirs + "/transfer", "{\"toAgentId\":\"it-colleague\"}",
                api.admin());
        Api.Reply refused = api.call("POST", "/switchboard/api/systems/erp/requests", createOrder(notTheirs, "KETTLE-17", 1), agent);
        assertEquals(403, refused.status(), refused.body());
        assertTrue(refused.json().getString("detail").contains("not assigned to them"), refused.body());
        assertEquals(403, api.call("GET", "/switchboard/api/systems/requests?conversationId=" + notTheirs, null, agent).status());
        assertEquals(403, api.call("GET", "/switchboard/api/conversations/" + notTheirs, null, agent).status());
    }
}
