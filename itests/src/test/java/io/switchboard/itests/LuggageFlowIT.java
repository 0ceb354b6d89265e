package io.switchboard.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.sandbox.logistics.SandboxLogistics;
import io.switchboard.sandbox.wechat.WechatSandbox;
import io.switchboard.sandbox.wechat.WechatServer;
import io.switchboard.testkit.TestBroker;
import io.switchboard.testkit.TestServer;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Flow 1 on the distribution as built: a customer on WeChat (the WeChat sandbox pushing signed
 * XML, taking the official account's customer-service messages) asks the bot to ship oversized
 * luggage; the bot takes the details down; one pickup work order goes to the couriers and one
 * pickup to the courier company (the logistics sandbox, over its REST API) with "needs a van and a
 * large bag"; the courier sees it in their list; the courier's steps and the company's signed
 * callbacks reach the customer on WeChat; the survey's answer is the stored score.
 */
class LuggageFlowIT {

    static final String PASSWORD = "It-" + UUID.randomUUID();
    static final String COURIER = "courier-zhang";
    static final String COURIER_PASSWORD = "Courier-" + UUID.randomUUID();
    static final String TOKEN = "itToken" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    static final String APP_ID = "wx1234567890abcdef";
    static final String APP_SECRET = "secret-" + UUID.randomUUID();
    static final String ACCOUNT = "gh_it";
    static final String LOGISTICS_KEY = "lk-" + UUID.randomUUID();
    static final String CALLBACK_SECRET = "cb-" + UUID.randomUUID();
    static final Duration WAIT = Duration.ofSeconds(30);
    static final AtomicLong MSG_IDS = new AtomicLong(6_900_000_000_000_100_000L);

    static WechatSandbox wechatApi;
    static SandboxLogistics logistics;
    static TestServer server;
    static Api api;
    static WechatServer wechat;
    static URI endpoint;

    @BeforeAll
    static void boot() {
        wechatApi = WechatSandbox.start(TestBroker.freePort()).account(APP_ID, APP_SECRET);
        logistics = SandboxLogistics.start(TestBroker.freePort()).apiKey(LOGISTICS_KEY).callbackSecret(CALLBACK_SECRET);
        server = Distribution.unpack(PASSWORD)
                .configure("io.switchboard.channel.wechat", "token", TOKEN)
                .configure("io.switchboard.channel.wechat", "appId", APP_ID)
                .configure("io.switchboard.channel.wechat", "appSecret", APP_SECRET)
                .configure("io.switchboard.channel.wechat", "mode", "plain")
                .configure("io.switchboard.channel.wechat", "apiBase", wechatApi.url())
                .configure("io.switchboard.system.logistics", "endpoint", logistics.url())
                .configure("io.switchboard.system.logistics", "apiKey", LOGISTICS_KEY)
                .configure("io.switchboard.system.logistics", "callbackSecret", CALLBACK_SECRET)
                .configure("io.switchboard.flows", "sweepSeconds", "1")
                .configure("io.switchboard.workorders", "sweepSeconds", "1")
                .addAgent(COURIER, COURIER_PASSWORD)
                .requireRoutes("switchboard-conversation/conversation-inbound", "switchboard-bot/bot",
                        "switchboard-flows/flows-pickup-replies", "switchboard-flows/flows-business-events",
                        "switchboard-logistics/logistics-requests", "switchboard-workorders/workorders-sweep");
        server.configure("io.switchboard.system.logistics", "callbackBaseUrl", server.url("").toString().replaceAll("/$", ""));
        server.start();
        api = new Api(server);
        wechat = new WechatServer(TOKEN, APP_ID, null, WechatServer.Mode.PLAIN).attempts(1);
        endpoint = server.url("/switchboard/api/wechat/main");
        Api.await("the WeChat endpoint", WAIT, () -> api.call("GET", "/switchboard/api/wechat/main", null, null).status() != 404);
        Api.await("the work orders API", WAIT,
                () -> api.call("GET", "/switchboard/api/workorders/types", null, api.admin()).status() == 200);
    }

    @AfterAll
    static void shutDown() {
        if (server != null) {
            server.stop();
        }
        if (logistics != null) {
            logistics.close();
        }
        if (wechatApi != null) {
            wechatApi.close();
        }
    }

    /** The customer writes on WeChat, and waits until the account has written them {@code answers} messages in all. */
    static String say(String openid, String text, int answers) throws Exception {
        String xml = WechatServer.text(ACCOUNT, openid, Instant.now().getEpochSecond(), text, MSG_IDS.incrementAndGet());
        WechatServer.Delivery delivery = wechat.push(endpoint, xml);
        assertEquals(200, delivery.status(), delivery.body());
        List<String> told = told(openid, answers);
        return told.get(answers - 1);
    }

    /** What the official account sent this customer, in order, once there are at least {@code count}. */
    static List<String> told(String openid, int count) {
        return Api.await(count + " WeChat messages to " + openid, WAIT, () -> {
            List<String> texts = wechatApi.sent().stream().filter(s -> openid.equals(s.touser()))
                    .map(s -> String.valueOf(s.at("text.content"))).toList();
            return texts.size() >= count ? texts : null;
        });
    }

    static JsonObject order(String id) {
        return api.expect(200, "GET", "/switchboard/api/workorders/" + id, null, api.admin()).json();
    }

    static void step(String id, String to, String eta, String authorization) {
        api.expect(200, "POST", "/switchboard/api/workorders/" + id + "/transitions",
                "{\"to\":\"" + to + "\"" + (eta == null ? "" : ",\"eta\":\"" + eta + "\"") + "}", authorization);
    }

    static int callback(String body, String timestamp, String signature) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.url("/switchboard/systems/logistics/callbacks"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (timestamp != null) {
            request.header("X-Logistics-Timestamp", timestamp);
        }
        if (signature != null) {
            request.header("X-Logistics-Signature", signature);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void oversizedLuggageFromWechatToTheCourierAndBackWithASurvey() throws Exception {
        String openid = "oF1" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        assertTrue(say(openid, "你好，我有一件超大行李想寄回老家 🧳", 1).contains("重量和尺寸"));
        assertEquals("请告诉我上门取件的详细地址。", say(openid, "大概32公斤，120x80x50厘米", 2));
        assertTrue(say(openid, "上海市浦东新区世纪大道100号 3栋1202室", 3).startsWith("希望什么时间上门"));
        assertEquals("请留一个快递员可以联系您的手机号。", say(openid, "明天下午 14:00-16:00", 4));
        String summary = say(openid, "13800001111", 5);
        assertTrue(summary.contains("快递员将携带：厢式货车和大号行李袋"), summary);
        String booked = say(openid, "确认", 6);
        assertTrue(booked.startsWith("已为您创建取件单 WO-"), booked);

        String customerId = api.call("GET", "/switchboard/api/conversations?state=all&limit=200", null, api.admin()).array()
                .stream().map(JsonValue::asJsonObject)
                .filter(c -> c.getJsonObject("address").getString("address").equals(openid))
                .findFirst().orElseThrow().getString("customerId");
        List<JsonObject> orders = api.expect(200, "GET", "/switchboard/api/workorders?customerId=" + customerId, null,
                api.admin()).array().getValuesAs(JsonObject.class);
        assertEquals(1, orders.size(), orders.toString());
        JsonObject order = orders.get(0);
        String id = order.getString("id");
        String number = order.getString("number");
        assertTrue(booked.contains(number), booked);
        assertEquals("pickup", order.getString("type"));
        assertEquals("couriers", order.getString("team"));
        assertEquals(List.of("需要厢式货车和大号行李袋 (needs a van and a large bag)"),
                order.getJsonArray("requirements").getValuesAs(jakarta.json.JsonString.class).stream()
                        .map(jakarta.json.JsonString::getString).toList());

        // the courier company got one pickup, told what to bring, and its tracking number is on the order
        Map<String, Object> pickup = Api.await("the pickup at the courier company", WAIT,
                () -> logistics.pickups().stream().filter(p -> number.equals(p.get("reference"))).findFirst().orElse(null));
        assertEquals("van", pickup.get("vehicle"));
        assertEquals("large-bag", pickup.get("packaging"));
        assertEquals("需要厢式货车和大号行李袋 (needs a van and a large bag)", pickup.get("requirements"));
        assertTrue(String.valueOf(pickup.get("address")).startsWith("上海市浦东新区世纪大道100号"), pickup.toString());
        String tracking = String.valueOf(pickup.get("trackingNumber"));
        Api.await("the tracking number on the order", WAIT, () -> {
            JsonObject refs = order(id).getJsonObject("references");
            return refs.containsKey("trackingNumber") && refs.getString("trackingNumber").equals(tracking) ? true : null;
        });
        assertEquals(1, logistics.pickups().stream().filter(p -> number.equals(p.get("reference"))).count());

        // a dispatcher gives it to a courier, who sees it with what to bring
        api.expect(200, "POST", "/switchboard/api/workorders/" + id + "/assignment",
                "{\"team\":\"couriers\",\"assignee\":\"" + COURIER + "\"}", api.admin());
        step(id, "assigned", null, api.admin());
        String courier = TestServer.basicAuth(COURIER, COURIER_PASSWORD);
        JsonObject mine = api.expect(200, "GET", "/switchboard/api/workorders?mine=true", null, courier).array()
                .getValuesAs(JsonObject.class).stream().filter(o -> o.getString("id").equals(id)).findFirst().orElseThrow();
        assertTrue(mine.getJsonArray("requirements").toString().contains("needs a van and a large bag"), mine.toString());
        assertTrue(mine.getString("details").contains("13800001111") || mine.getString("details").contains("+8613800001111"),
                mine.getString("details"));

        // the courier's steps and the courier company's callbacks reach the customer on WeChat
        step(id, "en_route", "15:30", courier);
        logistics.advance(tracking, "picked_up", null, null, "张师傅");
        Api.await("picked up by the callback", WAIT, () -> order(id).getString("state").equals("picked_up") ? true : null);
        logistics.advance(tracking, "delivered", null, null, "张师傅");
        Api.await("delivered by the callback", WAIT, () -> order(id).getString("state").equals("delivered") ? true : null);
        assertTrue(logistics.deliveries().stream().filter(d -> d.trackingNumber().equals(tracking))
                .anyMatch(d -> d.status() == 200), logistics.deliveries().toString());
        step(id, "closed", null, courier);
        List<String> told = told(openid, 11);
        assertEquals("您的取件单 " + number + " 已受理，快递员 " + COURIER + " 将为您上门取件。", told.get(6));
        assertTrue(told.get(7).startsWith("快递员已出发，预计 15:30 到达。"), told.get(7));
        assertEquals("您的物品已取件（" + number + "）。", told.get(8));
        assertEquals("您的物品已送达（" + number + "）。", told.get(9));
        assertTrue(told.get(10).contains("请为本次取件服务打分"), told.get(10));

        assertEquals("感谢您的评价！", say(openid, "5", 12));
        assertEquals(5, order(id).getInt("satisfaction"));
        assertEquals(1, api.expect(200, "GET", "/switchboard/api/workorders?customerId=" + customerId, null, api.admin())
                .array().size(), "one work order for the whole flow");
    }

    @Test
    void aCallbackWithABadSignatureIs401AndMovesNothing() throws Exception {
        String body = "{\"eventId\":\"ev-forged\",\"event\":\"delivered\",\"trackingNumber\":\"SF0\",\"reference\":\"WO-x\","
                + "\"at\":\"" + Instant.now() + "\"}";
        String now = Long.toString(Instant.now().getEpochSecond());
        assertEquals(401, callback(body, now, SandboxLogistics.sign("not-the-secret", now, body.getBytes(StandardCharsets.UTF_8))));
        assertEquals(401, callback(body, now, null));
        String old = Long.toString(Instant.now().minusSeconds(3600).getEpochSecond());
        assertEquals(401, callback(body, old, SandboxLogistics.sign(CALLBACK_SECRET, old, body.getBytes(StandardCharsets.UTF_8))));
        assertEquals(200, callback(body, now, SandboxLogistics.sign(CALLBACK_SECRET, now, body.getBytes(StandardCharsets.UTF_8))),
                "the same body, signed right");
    }
}
