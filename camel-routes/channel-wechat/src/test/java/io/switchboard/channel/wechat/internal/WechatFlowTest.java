package io.switchboard.channel.wechat.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.ChannelAddress;
import io.switchboard.api.ContentPart;
import io.switchboard.api.Direction;
import io.switchboard.api.Ids;
import io.switchboard.api.Message;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.bus.BusUnavailableException;
import io.switchboard.bus.internal.ArtemisBus;
import io.switchboard.sandbox.wechat.WechatSandbox;
import io.switchboard.sandbox.wechat.WechatServer;
import io.switchboard.store.internal.JdbcStore;
import io.switchboard.testkit.TestBroker;
import io.switchboard.testkit.TestDatabase;
import jakarta.jms.TextMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The channel end to end on a real broker and database, with the sandbox standing in for WeChat on
 * both sides: its server pushing signed (and encrypted) XML over HTTP, its API taking the sends.
 */
class WechatFlowTest {

    static final String TOKEN = "sandboxToken42";
    static final String APP_ID = "wx5823bf96d3bd56c7";
    static final String SECRET = "sandbox-app-secret";
    static final String KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    static final String OPENID = "oCustomer_4f3Kd9-xyz";

    TestBroker broker;
    TestDatabase db;
    ArtemisBus bus;
    JdbcStore store;
    CamelContext camel;
    ProducerTemplate producer;
    WechatSandbox sandbox;
    CallbackServer plain;
    io.switchboard.store.Nonces nonces;
    final CanonicalJson json = new CanonicalJson();
    final HttpClient http = HttpClient.newHttpClient();
    final WechatServer wechat = new WechatServer(TOKEN);
    final AtomicInteger msgIds = new AtomicInteger(1000);

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start();
        db = TestDatabase.h2();
        bus = ArtemisBus.connect(broker.amqpUrl(), "test", "test");
        store = new JdbcStore(db.dataSource());
        store.migrate(WechatChannel.CHANGELOG, getClass().getClassLoader());
        nonces = new io.switchboard.store.internal.DatabaseNonces(store);
        sandbox = WechatSandbox.start(0).account(APP_ID, SECRET);
        Settings settings = settings(Settings.Mode.PLAIN, 1000);
        camel = new DefaultCamelContext();
        camel.addComponent("bus", BundleRoutes.busComponent(bus));
        camel.addRoutes(new WechatRoutes(store, new OfficialAccountApi(settings, store, json, Clock.systemUTC()), json,
                Clock.systemUTC()));
        camel.start();
        producer = camel.createProducerTemplate();
        plain = new CallbackServer(new CallbackApi(settings, this::toBus, nonces));
    }

    @AfterEach
    void stop() {
        plain.close();
        camel.stop();
        sandbox.close();
        bus.deactivate();
        broker.close();
        db.close();
    }

    Settings settings(Settings.Mode mode, int ratePerMinute) {
        return settings(mode, ratePerMinute, null);
    }

    Settings settings(Settings.Mode mode, int ratePerMinute, java.time.Instant clearPushesUntil) {
        return new Settings("main", TOKEN, APP_ID, SECRET, KEY, mode, URI.create(sandbox.url()), 4096, ratePerMinute, 10_000,
                clearPushesUntil);
    }

    void toBus(Message m) {
        bus.inbound(m);
    }

    TextMessage take(long timeoutMs) throws Exception {
        return TestBroker.receive(bus.connectionFactory(), BusAddress.INBOUND, timeoutMs);
    }

    Message takeMessage() throws Exception {
        TextMessage t = take(5000);
        assertNotNull(t, "nothing reached sb.inbound");
        return json.fromJson(t.getText(), Message.class);
    }

    String text(String content) {
        return WechatServer.text("gh_sandbox", OPENID, Instant.now().getEpochSecond(), content, msgIds.incrementAndGet());
    }

    HttpResponse<String> send(WechatServer.Push push) throws Exception {
        return http.send(HttpRequest.newBuilder(push.uri()).header("Content-Type", "text/xml")
                .POST(HttpRequest.BodyPublishers.ofString(push.body(), StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    static void assertProblem(int status, HttpResponse<String> r) {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                r.headers().toString());
        assertTrue(r.body().contains("\"status\":" + status), r.body());
    }

    @Test
    void aTextPushIsOneMessageOnTheBusHoweverOftenWechatSendsIt() throws Exception {
        long created = Instant.now().getEpochSecond();
        String xml = WechatServer.text("gh_sandbox", OPENID, created, "你好 👋 我的订单到哪了？", 6172329932587288417L);
        WechatServer.Delivery d = wechat.repeat(plain.url("main"), xml, 4);
        assertEquals(200, d.status());
        assertEquals("success", d.body());
        assertNull(d.reply());

        TextMessage onBus = take(5000);
        Message m = json.fromJson(onBus.getText(), Message.class);
        assertEquals("你好 👋 我的订单到哪了？", m.text());
        assertEquals(new ChannelAddress("wechat", OPENID), m.address());
        assertEquals(Direction.INBOUND, m.direction());
        assertEquals("6172329932587288417", m.channelMessageId());
        assertEquals(Instant.ofEpochSecond(created), m.time());
        assertEquals("wechat:" + OPENID, onBus.getStringProperty(BusAddress.GROUP_ID));
        assertEquals("Message", onBus.getStringProperty(BusAddress.PAYLOAD_TYPE));
        assertNull(take(500), "WeChat's retries reached the bus");
    }

    @Test
    void imagesAndMenuClicksArriveAsTheirParts() throws Exception {
        URI url = plain.url("main");
        assertTrue(wechat.push(url, WechatServer.image("gh", OPENID, 1L, "http://mmbiz.qpic.cn/a.jpg", "media-9", 77L)).accepted());
        assertTrue(wechat.push(url, WechatServer.event("gh", OPENID, 2L, "CLICK", "MENU_人工")).accepted());
        assertTrue(wechat.push(url, WechatServer.event("gh", OPENID, 3L, "VIEW", "https://example.com")).accepted());
        ContentPart image = takeMessage().parts().get(0);
        assertEquals(ContentPart.Kind.IMAGE, image.kind());
        assertEquals("media-9", image.name());
        ContentPart click = takeMessage().parts().get(0);
        assertEquals("CLICK", click.name());
        assertEquals("MENU_人工", click.text());
        assertNull(take(300), "a VIEW event is answered, not queued");
    }

    @Test
    void wechatVerifiesTheUrlWithTheToken() throws Exception {
        assertTrue(wechat.verify(plain.url("main")));
        assertFalse(new WechatServer("wrongToken1").verify(plain.url("main")));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(plain.url("main")
                + "?signature=0000&timestamp=1&nonce=2&echostr=hello")).build(), HttpResponse.BodyHandlers.ofString());
        assertProblem(401, r);
        assertNull(take(200));
    }

    @Test
    void aPushSignedOutsideFiveMinutesOfTheServersClockIsRefusedAndNothingIsQueued() throws Exception {
        URI url = plain.url("main");
        // a URL signed ten minutes ago (from a log, a proxy) carries another body: refused
        WechatServer past = new WechatServer(TOKEN).clock(Clock.offset(Clock.systemUTC(), java.time.Duration.ofMinutes(-10)));
        HttpResponse<String> old = send(past.prepare(url, text("十分钟前 ten minutes ago")));
        assertProblem(401, old);
        assertTrue(old.body().contains("s away from the server's clock"), old.body());
        WechatServer future = new WechatServer(TOKEN).clock(Clock.offset(Clock.systemUTC(), java.time.Duration.ofMinutes(6)));
        assertProblem(401, send(future.prepare(url, text("from the future"))));
        assertFalse(past.verify(url), "the URL check is held to the same window");
        assertNull(take(300));
        // a clock a little off is fine
        WechatServer skewed = new WechatServer(TOKEN).clock(Clock.offset(Clock.systemUTC(), java.time.Duration.ofMinutes(-4)));
        assertEquals(200, send(skewed.prepare(url, text("四分钟 four minutes"))).statusCode());
        assertEquals("四分钟 four minutes", takeMessage().text());
    }

    @Test
    void aSignedUrlReplayedWithAnotherBodyQueuesNothing() throws Exception {
        URI url = plain.url("main");
        WechatServer.Push genuine = wechat.prepare(url, text("第一条 first"));
        assertEquals(200, send(genuine).statusCode());
        assertEquals("第一条 first", takeMessage().text());
        // the same signed URL (from a log) with a body of the attacker's, from another OpenID: answered as WeChat
        // expects, so that nothing tells the sender apart, and nothing queued
        String forged = WechatServer.text("gh_sandbox", "oAttacker", Instant.now().getEpochSecond(), "退款给我 refund me", 99_999L);
        HttpResponse<String> replayed = send(new WechatServer.Push(genuine.uri(), forged));
        assertEquals(200, replayed.statusCode());
        assertEquals("success", replayed.body());
        assertNull(take(500), "a replayed URL put a message on the bus");
        // and the nonce is remembered where every node and the next start see it
        assertFalse(nonces.claim("wechat:main", genuine.uri().getQuery().replaceAll(".*timestamp=(\\d+).*nonce=(\\d+).*", "$1.$2"),
                Instant.now().plusSeconds(300)));
    }

    @Test
    void forgedHostileAndOversizedPushesAreRefusedAndNothingIsQueued() throws Exception {
        URI url = plain.url("main");
        WechatServer.Push good = wechat.prepare(url, text("hello"));
        assertProblem(401, send(new WechatServer.Push(URI.create(good.uri().toString().replaceAll("signature=[0-9a-f]+", "signature=deadbeef")), good.body())));
        assertProblem(401, send(new WechatServer.Push(URI.create(url.toString()), good.body())));
        assertProblem(401, send(new WechatServer("otherToken9").prepare(url, text("hello"))));

        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY s SYSTEM \"file:///etc/passwd\">]><xml>"
                + "<ToUserName>gh</ToUserName><FromUserName>" + OPENID + "</FromUserName><CreateTime>1</CreateTime>"
                + "<MsgType>text</MsgType><Content>&s;</Content><MsgId>5</MsgId></xml>";
        assertProblem(400, send(wechat.prepare(url, xxe)));
        StringBuilder bomb = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY a0 \"lol\">");
        for (int i = 1; i < 10; i++) {
            bomb.append("<!ENTITY a").append(i).append(" \"").append(("&a" + (i - 1) + ";").repeat(10)).append("\">");
        }
        bomb.append("]><xml><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType>"
                + "<Content>&a9;</Content><MsgId>6</MsgId></xml>");
        assertProblem(400, send(wechat.prepare(url, bomb.toString())));
        assertProblem(413, send(wechat.prepare(url, text("长".repeat(2000)))));
        assertProblem(400, send(wechat.prepare(url, "<xml><MsgType>text</MsgType></xml>")));
        assertProblem(404, send(wechat.prepare(plain.url("nosuch"), text("hello"))));
        assertNull(take(300), "a refused push reached the bus");
        assertEquals(200, send(good).statusCode());
        assertEquals("hello", takeMessage().text());
    }

    @Test
    void safeModePushesAreDecryptedAndForgeriesRefused() throws Exception {
        try (CallbackServer safe = new CallbackServer(new CallbackApi(settings(Settings.Mode.SAFE, 100), this::toBus, nonces))) {
            URI url = safe.url("main");
            WechatServer wechatSafe = new WechatServer(TOKEN, APP_ID, KEY, WechatServer.Mode.SAFE);
            assertTrue(wechatSafe.push(url, text("加密的消息 🔒")).accepted());
            assertEquals("加密的消息 🔒", takeMessage().text());

            assertProblem(400, send(wechat.prepare(url, text("in the clear"))));
            WechatServer.Push push = wechatSafe.prepare(url, text("tampered"));
            assertProblem(401, send(new WechatServer.Push(
                    URI.create(push.uri().toString().replaceAll("msg_signature=[0-9a-f]+", "msg_signature=00")), push.body())));
            assertProblem(401, send(new WechatServer(TOKEN, "wx0000000000000000", KEY, WechatServer.Mode.SAFE)
                    .prepare(url, text("for another account"))));
            assertNull(take(300));

            // compatible mode: WeChat sends both, the channel reads the encrypted copy
            try (CallbackServer compatible = new CallbackServer(new CallbackApi(settings(Settings.Mode.COMPATIBLE, 100), this::toBus, nonces))) {
                assertTrue(new WechatServer(TOKEN, APP_ID, KEY, WechatServer.Mode.COMPATIBLE)
                        .push(compatible.url("main"), text("兼容模式")).accepted());
                assertEquals("兼容模式", takeMessage().text());
                // a push in the clear alone is no push WeChat sends in this mode: refused, unless an operator allows it
                HttpResponse<String> clear = send(wechat.prepare(compatible.url("main"), text("明文")));
                assertProblem(400, clear);
                assertTrue(clear.body().contains("clearPushesUntil, which is not set"), clear.body());
                assertNull(take(300));
            }
            java.time.Instant later = java.time.Instant.now().plusSeconds(3600);
            try (CallbackServer switching = new CallbackServer(new CallbackApi(settings(Settings.Mode.COMPATIBLE, 100, later),
                    this::toBus, nonces))) {
                assertTrue(wechat.push(switching.url("main"), text("明文")).accepted(), "while the operator allows it");
                assertEquals("明文", takeMessage().text());
            }
            try (CallbackServer switched = new CallbackServer(new CallbackApi(settings(Settings.Mode.COMPATIBLE, 100,
                    java.time.Instant.now().minusSeconds(1)), this::toBus, nonces))) {
                HttpResponse<String> late = send(wechat.prepare(switched.url("main"), text("太晚了")));
                assertProblem(400, late);
                assertTrue(late.body().contains("which was "), late.body());
                assertNull(take(300));
            }
        }
    }

    @Test
    void aFloodingCustomerGets429WithRetryAfter() throws Exception {
        try (CallbackServer limited = new CallbackServer(new CallbackApi(settings(Settings.Mode.PLAIN, 2), this::toBus, nonces))) {
            URI url = limited.url("main");
            assertEquals(200, send(wechat.prepare(url, text("1"))).statusCode());
            assertEquals(200, send(wechat.prepare(url, text("2"))).statusCode());
            HttpResponse<String> r = send(wechat.prepare(url, text("3")));
            assertProblem(429, r);
            assertEquals("30", r.headers().firstValue("Retry-After").orElse(null));
            String other = WechatServer.text("gh", "oSomeoneElse", 1L, "hi", 99L);
            assertEquals(200, send(wechat.prepare(url, other)).statusCode());
            assertEquals(List.of("1", "2", "hi"), List.of(takeMessage().text(), takeMessage().text(), takeMessage().text()));
            assertNull(take(300));
        }
    }

    @Test
    void whenTheBusFailsWechatIsTold503AndItsRetryGetsThrough() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CallbackApi flaky = new CallbackApi(settings(Settings.Mode.PLAIN, 100), m -> {
            if (calls.incrementAndGet() == 1) {
                throw new BusUnavailableException("broker away", null);
            }
            toBus(m);
        }, nonces);
        try (CallbackServer server = new CallbackServer(flaky)) {
            WechatServer.Push push = wechat.prepare(server.url("main"), text("重要"));
            HttpResponse<String> first = send(push);
            assertProblem(503, first);
            assertTrue(first.headers().firstValue("Retry-After").isPresent());
            assertNull(take(200));
            WechatServer.Delivery retried = wechat.send(push);
            assertTrue(retried.accepted());
            assertEquals("重要", takeMessage().text());
        }
    }

    /**
     * WeChat gives up on a push after three tries in about 15 s: while the database cannot claim nonces,
     * an encrypted push (its body signed) goes on, and its replay is one message on the bus by its
     * MsgId; a clear one (body signed by nothing) is refused with 503 rather than taken unguarded.
     */
    @Test
    void whileTheDatabaseIsAwayEncryptedPushesGoOnOnceAndClearOnesAre503() throws Exception {
        AtomicInteger claims = new AtomicInteger();
        io.switchboard.store.Nonces away = new io.switchboard.store.Nonces() {
            @Override
            public boolean claim(String scope, String nonce, java.time.Instant until) {
                claims.incrementAndGet();
                throw new io.switchboard.store.StoreException("claim", new java.sql.SQLTransientConnectionException(
                        "Connection refused", "08001"));
            }

            @Override
            public void release(String scope, String nonce) {
                throw new io.switchboard.store.StoreException("release", new java.sql.SQLException("refused", "08001"));
            }
        };
        try (CallbackServer safe = new CallbackServer(new CallbackApi(settings(Settings.Mode.SAFE, 100), this::toBus, away));
             CallbackServer clear = new CallbackServer(new CallbackApi(settings(Settings.Mode.PLAIN, 100), this::toBus, away))) {
            WechatServer.Push push = new WechatServer(TOKEN, APP_ID, KEY, WechatServer.Mode.SAFE).prepare(safe.url("main"), text("数据库停了"));
            assertEquals(200, send(push).statusCode());
            assertEquals(200, send(push).statusCode(), "a replay of the signed push is answered as WeChat expects");
            assertEquals("数据库停了", takeMessage().text());
            assertNull(take(500), "the replay reached the bus a second time");

            HttpResponse<String> refused = send(wechat.prepare(clear.url("main"), text("明文")));
            assertProblem(503, refused);
            assertTrue(refused.body().contains("cannot be told from a replay"), refused.body());
            assertNull(take(300));
            assertEquals(3, claims.get(), "every push tried the database first");
        }
    }

    @Test
    void aBrokenNonceStoreThatIsNoOutageIsNoReasonToGoOn() throws Exception {
        io.switchboard.store.Nonces broken = new io.switchboard.store.Nonces() {
            @Override
            public boolean claim(String scope, String nonce, java.time.Instant until) {
                throw new io.switchboard.store.StoreException("claim", new java.sql.SQLSyntaxErrorException("no table", "42P01"));
            }

            @Override
            public void release(String scope, String nonce) {
            }
        };
        CallbackApi api = new CallbackApi(settings(Settings.Mode.SAFE, 100), this::toBus, broken);
        WechatServer.Push push = new WechatServer(TOKEN, APP_ID, KEY, WechatServer.Mode.SAFE)
                .prepare(URI.create("http://127.0.0.1/switchboard/api/wechat/main"), text("x"));
        byte[] body = push.body().getBytes(StandardCharsets.UTF_8);
        // not an outage: the platform's exception mapper answers 500 and WeChat tries again
        io.switchboard.store.StoreException e = org.junit.jupiter.api.Assertions.assertThrows(io.switchboard.store.StoreException.class,
                () -> api.receive("main", CallbackServer.query(push.uri().getRawQuery()), new java.io.ByteArrayInputStream(body),
                        body.length, "127.0.0.1"));
        assertEquals("claim", e.getMessage());
        assertNull(take(300));
    }

    Message outbound(List<ContentPart> parts, Map<String, String> headers) {
        return new Message(Ids.newId(), null, Direction.OUTBOUND, new ChannelAddress("wechat", OPENID), Ids.newId(),
                null, "agent-1", Instant.now(), parts, headers);
    }

    void queue(Message m) {
        producer.sendBody("bus:queue:" + WechatRoutes.OUTBOUND, json.toJson(m));
    }

    @Test
    void anAgentsReplyReachesTheCustomerServiceApiWithItsChineseIntact() throws Exception {
        queue(outbound(List.of(ContentPart.text("您好！您的包裹已发出 📦，预计明天送达。")), Map.of()));
        List<WechatSandbox.Sent> sent = sandbox.awaitSent(1, Duration.ofSeconds(10));
        WechatSandbox.Sent s = sent.get(0);
        assertEquals("custom", s.api());
        assertEquals(OPENID, s.touser());
        assertEquals("text", s.at("msgtype"));
        assertEquals("您好！您的包裹已发出 📦，预计明天送达。", s.at("text.content"));
        assertEquals(1, sandbox.tokensIssued());
    }

    @Test
    void anExpiredOrInvalidTokenIsReplacedAndTheMessageSentOnce() throws Exception {
        queue(outbound(List.of(ContentPart.text("第一条")), Map.of()));
        sandbox.awaitSent(1, Duration.ofSeconds(10));
        sandbox.expireTokens();
        queue(outbound(List.of(ContentPart.text("第二条")), Map.of()));
        sandbox.awaitSent(2, Duration.ofSeconds(10));
        sandbox.invalidateTokens();
        queue(outbound(List.of(ContentPart.text("第三条")), Map.of()));
        sandbox.awaitSent(3, Duration.ofSeconds(10));
        Thread.sleep(500);
        assertEquals(List.of("第一条", "第二条", "第三条"), sandbox.sent().stream().map(s -> s.at("text.content")).toList());
        assertEquals(3, sandbox.tokensIssued());
        assertEquals(List.of(42001, 40001), sandbox.rejected().stream().map(WechatSandbox.Rejected::errcode).toList());
        assertEquals(3, sandbox.sent().stream().map(WechatSandbox.Sent::accessToken).distinct().count());
    }

    @Test
    void whatWechatRefusesIsDeadLetteredWithItsErrcode() throws Exception {
        sandbox.failNextSends(45015, 3);
        queue(outbound(List.of(ContentPart.text("too late")), Map.of()));
        TextMessage dead = TestBroker.receive(bus.connectionFactory(), BusAddress.deadLetter(WechatRoutes.OUTBOUND), 15_000);
        assertNotNull(dead, "nothing was dead-lettered");
        String reason = dead.getStringProperty(BusAddress.DEAD_LETTER_REASON);
        assertTrue(reason.contains("errcode 45015"), reason);
        assertFalse(reason.contains(SECRET) || reason.contains("access_token="), reason);
        assertEquals("too late", json.fromJson(dead.getText(), Message.class).text());
        assertTrue(sandbox.sent().isEmpty());
        assertEquals(3, sandbox.rejected().size(), "sent once and retried twice");
    }

    @Test
    void partsGoOutOnceEvenWhenTheBusDeliversTheMessageAgain() throws Exception {
        Message m = outbound(List.of(ContentPart.text("请看图片"),
                new ContentPart(ContentPart.Kind.IMAGE, null, null, null, "MEDIA_ID_1", null, null)), Map.of());
        queue(m);
        sandbox.awaitSent(2, Duration.ofSeconds(10));
        queue(m);
        Thread.sleep(1000);
        List<WechatSandbox.Sent> sent = sandbox.sent();
        assertEquals(2, sent.size(), sent.toString());
        assertEquals("请看图片", sent.get(0).at("text.content"));
        assertEquals("MEDIA_ID_1", sent.get(1).at("image.media_id"));
    }

    @Test
    void aMessageNamingATemplateIsSentAsATemplateMessage() throws Exception {
        queue(outbound(List.of(ContentPart.text("订单 #42 已发货")), Map.of(
                "wechatTemplateId", "TPL_ORDER_SHIPPED",
                "wechatTemplateUrl", "https://shop.example.com/orders/42",
                "wechatTemplateData.first", "您的订单已发货",
                "wechatTemplateData.keyword1", "#42")));
        WechatSandbox.Sent s = sandbox.awaitSent(1, Duration.ofSeconds(10)).get(0);
        assertEquals("template", s.api());
        assertEquals("TPL_ORDER_SHIPPED", s.at("template_id"));
        assertEquals("https://shop.example.com/orders/42", s.at("url"));
        assertEquals("您的订单已发货", s.at("data.first.value"));
        assertEquals("#42", s.at("data.keyword1.value"));
    }
}
