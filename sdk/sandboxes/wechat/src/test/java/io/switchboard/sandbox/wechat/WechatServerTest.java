package io.switchboard.sandbox.wechat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pushing side against a stand-in account URL that checks what it gets. */
class WechatServerTest {

    static final String TOKEN = "pamtest";
    static final String KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    static final String APP_ID = "wxb11529c136998cb6";

    record Received(Map<String, String> query, String body) {
    }

    final List<Received> received = new CopyOnWriteArrayList<>();
    HttpServer account;

    /** An account URL answering each request with {@code answer(attempt)}: {status, body}, or null to hang. */
    URI account(Function<Integer, Object[]> answer) throws IOException {
        account = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        account.setExecutor(Executors.newCachedThreadPool());
        account.createContext("/wx", x -> {
            received.add(new Received(WechatSandbox.query(x), new String(WechatSandbox.readAll(x.getRequestBody()), StandardCharsets.UTF_8)));
            Object[] a = answer.apply(received.size());
            if (a == null) {
                sleep(1500);
                a = new Object[] {200, "success"};
            }
            respond(x, (Integer) a[0], (String) a[1]);
        });
        account.start();
        return URI.create("http://127.0.0.1:" + account.getAddress().getPort() + "/wx");
    }

    @AfterEach
    void stop() {
        if (account != null) {
            account.stop(0);
        }
    }

    static void respond(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            x.getResponseBody().write(bytes);
        }
        x.close();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String element(String xml, String name) {
        Matcher m = Pattern.compile("<" + name + "><!\\[CDATA\\[(.*?)]]></" + name + ">", Pattern.DOTALL).matcher(xml);
        return m.find() ? m.group(1) : null;
    }

    @Test
    void plainPushesAreSignedWithTokenTimestampAndNonce() throws Exception {
        URI url = account(n -> new Object[] {200, "success"});
        String xml = WechatServer.text("gh_acc", "oCustomer", 1_700_000_000L, "你好 👋 <b>&", 6172329932587288417L);
        WechatServer.Delivery d = new WechatServer(TOKEN).push(url, xml);
        assertTrue(d.accepted());
        assertEquals(1, d.attempts());
        assertNull(d.reply());
        Received r = received.get(0);
        assertEquals(xml, r.body());
        assertEquals("oCustomer", r.query().get("openid"));
        assertEquals(WechatServer.signature(TOKEN, r.query().get("timestamp"), r.query().get("nonce")), r.query().get("signature"));
        assertFalse(r.query().containsKey("encrypt_type"));
        assertEquals("你好 👋 <b>&", element(r.body(), "Content"));
    }

    @Test
    void safePushesAreEncryptedAndSignedTwice() throws Exception {
        URI url = account(n -> new Object[] {200, ""});
        String xml = WechatServer.event("gh_acc", "oCustomer", 1_700_000_000L, "CLICK", "MENU_订单");
        new WechatServer(TOKEN, APP_ID, KEY, WechatServer.Mode.SAFE).push(url, xml);
        Received r = received.get(0);
        Map<String, String> q = r.query();
        String encrypted = element(r.body(), "Encrypt");
        assertEquals("aes", q.get("encrypt_type"));
        assertEquals(WechatServer.signature(TOKEN, q.get("timestamp"), q.get("nonce")), q.get("signature"));
        assertEquals(WechatServer.signature(TOKEN, q.get("timestamp"), q.get("nonce"), encrypted), q.get("msg_signature"));
        assertNull(element(r.body(), "EventKey"), "safe mode must not carry the plain text");
        assertEquals("gh_acc", element(r.body(), "ToUserName"));
        assertEquals(xml, new Envelope(KEY, APP_ID).open(encrypted));

        new WechatServer(TOKEN, APP_ID, KEY, WechatServer.Mode.COMPATIBLE).push(url, xml);
        String both = received.get(1).body();
        assertEquals("MENU_订单", element(both, "EventKey"));
        assertEquals(xml, new Envelope(KEY, APP_ID).open(element(both, "Encrypt")));
    }

    @Test
    void unansweredPushesAreTriedThreeTimesInAll() throws Exception {
        URI url = account(n -> n < 3 ? new Object[] {503, "{}"} : new Object[] {200, "success"});
        String xml = WechatServer.text("gh_acc", "oCustomer", 1L, "hi", 1L);
        WechatServer.Delivery d = new WechatServer(TOKEN).push(url, xml);
        assertEquals(3, d.attempts());
        assertTrue(d.accepted());
        assertEquals(1, received.stream().map(Received::body).distinct().count(), "every attempt is the same push");

        received.clear();
        account.stop(0);
        URI slow = account(n -> null);
        WechatServer.Delivery timedOut = new WechatServer(TOKEN).timeout(Duration.ofMillis(300)).push(slow, xml);
        assertFalse(timedOut.accepted());
        assertEquals(3, timedOut.attempts());
    }

    @Test
    void repeatSendsTheSamePushWhateverTheAnswers() throws Exception {
        URI url = account(n -> new Object[] {200, "success"});
        new WechatServer(TOKEN).repeat(url, WechatServer.text("gh_acc", "o1", 1L, "x", 7L), 4);
        assertEquals(4, received.size());
        assertEquals(1, received.stream().map(r -> r.query().get("nonce") + r.body()).distinct().count());
    }

    @Test
    void readsEncryptedPassiveRepliesAndVerifiesUrls() throws Exception {
        Envelope envelope = new Envelope(KEY, APP_ID);
        String replyXml = "<xml><Content><![CDATA[收到]]></Content></xml>";
        String sealed = envelope.seal(replyXml);
        String good = "<xml><Encrypt><![CDATA[" + sealed + "]]></Encrypt><MsgSignature><![CDATA["
                + WechatServer.signature(TOKEN, "1409304348", "xxxxxx", sealed) + "]]></MsgSignature>"
                + "<TimeStamp>1409304348</TimeStamp><Nonce><![CDATA[xxxxxx]]></Nonce></xml>";
        WechatServer safe = new WechatServer(TOKEN, APP_ID, KEY, WechatServer.Mode.SAFE);
        assertEquals(replyXml, safe.reply(good));
        assertThrows(IllegalStateException.class, () -> safe.reply(good.replace("xxxxxx", "yyyyyy")));

        URI url = account(n -> {
            Received r = received.get(n - 1);
            boolean signed = WechatServer.signature(TOKEN, r.query().get("timestamp"), r.query().get("nonce"))
                    .equals(r.query().get("signature"));
            return signed ? new Object[] {200, r.query().get("echostr")} : new Object[] {401, "no"};
        });
        assertTrue(new WechatServer(TOKEN).verify(url));
        assertFalse(new WechatServer("another-token").verify(url));
    }
}
