package io.switchboard.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.sandbox.wechat.WechatSandbox;
import io.switchboard.sandbox.wechat.WechatServer;
import io.switchboard.testkit.TestBroker;
import io.switchboard.testkit.TestServer;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The WeChat channel on the distribution as built, against the WeChat sandbox over HTTP: the
 * sandbox pushes signed, encrypted (safe mode) XML as WeChat's servers do, and serves the
 * official-account API the channel answers through.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WechatIT {

    static final String PASSWORD = "It-" + UUID.randomUUID();
    static final String TOKEN = "itToken" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    static final String APP_ID = "wx1234567890abcdef";
    static final String APP_SECRET = "secret-" + UUID.randomUUID();
    /** 43 characters of Base64, as WeChat's console generates. */
    static final String AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    static final String ACCOUNT = "gh_it";
    static final Duration WAIT = Duration.ofSeconds(30);

    static WechatSandbox sandbox;
    static TestServer server;
    static Api api;
    static WechatServer wechat;
    static URI endpoint;

    @BeforeAll
    static void boot() {
        sandbox = WechatSandbox.start(TestBroker.freePort()).account(APP_ID, APP_SECRET);
        server = Distribution.unpack(PASSWORD)
                .configure("io.switchboard.channel.wechat", "token", TOKEN)
                .configure("io.switchboard.channel.wechat", "appId", APP_ID)
                .configure("io.switchboard.channel.wechat", "appSecret", APP_SECRET)
                .configure("io.switchboard.channel.wechat", "encodingAesKey", AES_KEY)
                .configure("io.switchboard.channel.wechat", "mode", "safe")
                .configure("io.switchboard.channel.wechat", "apiBase", sandbox.url())
                .configure("io.switchboard.conversation", "botEnabled", "false")
                .requireRoutes("switchboard-conversation/conversation-inbound");
        server.start();
        api = new Api(server);
        wechat = new WechatServer(TOKEN, APP_ID, AES_KEY, WechatServer.Mode.SAFE).attempts(1);
        endpoint = server.url("/switchboard/api/wechat/main");
        Api.await("the WeChat endpoint", WAIT, () -> api.call("GET", "/switchboard/api/wechat/main", null, null).status() != 404);
    }

    @AfterAll
    static void shutDown() {
        if (server != null) {
            server.stop();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    static JsonObject conversationOf(String openid) {
        return api.call("GET", "/switchboard/api/conversations?state=all&limit=200", null, api.admin()).array().stream()
                .map(JsonValue::asJsonObject)
                .filter(c -> c.getJsonObject("address").getString("channel").equals("wechat")
                        && c.getJsonObject("address").getString("address").equals(openid))
                .findFirst().orElse(null);
    }

    static List<String> inbound(String conversationId) {
        return api.expect(200, "GET", "/switchboard/api/conversations/" + conversationId + "/messages", null, api.admin())
                .array().stream().map(JsonValue::asJsonObject).filter(m -> m.getString("direction").equals("INBOUND"))
                .map(m -> m.getJsonArray("parts").getJsonObject(0).getString("text")).toList();
    }

    @Test
    @Order(1)
    void theServerVerificationOfWechatsConsolePasses() throws Exception {
        assertTrue(wechat.verify(endpoint));
        assertTrue(!new WechatServer("wrong-token").verify(endpoint), "a wrong token must not verify");
    }

    @Test
    @Order(2)
    void aSafeModeMessageRetriedFourTimesIsOneMessageAndTheAgentsReplyLeavesAsWechatJson() throws Exception {
        String openid = "oIT" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        String text = "你好，我的行李超重了 🧳 能上门取件吗？";
        String xml = WechatServer.text(ACCOUNT, openid, Instant.now().getEpochSecond(), text, 6_900_000_000_000_000_001L);
        WechatServer.Delivery first = wechat.push(endpoint, xml);
        assertEquals(200, first.status(), first.body());
        for (int i = 0; i < 3; i++) {
            assertEquals(200, wechat.push(endpoint, xml).status());
        }
        JsonObject conversation = Api.await("the conversation", WAIT, () -> conversationOf(openid));
        assertEquals(List.of(text), Api.await("the message", WAIT, () -> {
            List<String> t = inbound(conversation.getString("id"));
            return t.isEmpty() ? null : t;
        }));
        Thread.sleep(1500);
        assertEquals(List.of(text), inbound(conversation.getString("id")), "WeChat's retries became more than one message");

        String answer = "可以的，已为您安排快递员带大号箱上门 🚚";
        api.expect(201, "POST", "/switchboard/api/conversations/" + conversation.getString("id") + "/replies",
                "{\"text\":\"" + answer + "\",\"replyId\":\"wx-r1\"}", api.admin());
        WechatSandbox.Sent sent = sandbox.awaitSent(1, WAIT).get(0);
        assertEquals(openid, sent.touser());
        assertEquals("text", sent.at("msgtype"));
        assertEquals(answer, sent.at("text.content"));
    }

    @Test
    @Order(3)
    void aBadSignatureIs401AndHostileXmlIs400AndNothingReachesTheBus() throws Exception {
        String openid = "oITbad" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        String xml = WechatServer.text(ACCOUNT, openid, Instant.now().getEpochSecond(), "伪造", 6_900_000_000_000_000_002L);
        WechatServer.Delivery forged = new WechatServer("not-the-token", APP_ID, AES_KEY, WechatServer.Mode.SAFE)
                .attempts(1).push(endpoint, xml);
        assertEquals(401, forged.status(), forged.body());
        // a genuine push, signed ten minutes ago: a captured request, refused
        WechatServer.Delivery stale = new WechatServer(TOKEN, APP_ID, AES_KEY, WechatServer.Mode.SAFE).attempts(1)
                .clock(java.time.Clock.offset(java.time.Clock.systemUTC(), java.time.Duration.ofMinutes(-10))).push(endpoint, xml);
        assertEquals(401, stale.status(), stale.body());
        assertTrue(stale.body().contains("away from the server's clock"), stale.body());

        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<xml><ToUserName><![CDATA[" + ACCOUNT + "]]></ToUserName><FromUserName><![CDATA[" + openid
                + "]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType>"
                + "<Content>&x;</Content><MsgId>6900000000000000003</MsgId></xml>";
        assertEquals(400, wechat.push(endpoint, xxe).status());
        StringBuilder lol = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY l0 \"lol\">");
        for (int i = 1; i < 10; i++) {
            lol.append("<!ENTITY l").append(i).append(" \"").append(("&l" + (i - 1) + ";").repeat(10)).append("\">");
        }
        lol.append("]><xml><ToUserName>a</ToUserName><FromUserName>").append(openid)
                .append("</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&l9;</Content>")
                .append("<MsgId>6900000000000000004</MsgId></xml>");
        assertEquals(400, wechat.push(endpoint, lol.toString()).status());
        Thread.sleep(1500);
        assertEquals(null, conversationOf(openid), "a refused push reached the core");
    }
}
