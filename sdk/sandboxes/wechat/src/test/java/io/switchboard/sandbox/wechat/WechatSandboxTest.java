package io.switchboard.sandbox.wechat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.sandbox.support.Json;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WechatSandboxTest {

    /** A clock a test moves by hand. */
    static final class Hands extends Clock {
        volatile Instant now = Instant.parse("2025-01-01T00:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    final HttpClient http = HttpClient.newHttpClient();
    final Hands clock = new Hands();
    WechatSandbox sandbox;

    @BeforeEach
    void start() {
        sandbox = WechatSandbox.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), clock)
                .account("wx1234567890abcdef", "s3cret");
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    Map<String, Object> get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(sandbox.url() + path)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertEquals(200, r.statusCode());
        return Json.parseObject(r.body());
    }

    Map<String, Object> post(String path, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(sandbox.url() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertEquals(200, r.statusCode(), "WeChat answers errors with 200 too");
        return Json.parseObject(r.body());
    }

    String token() throws Exception {
        Map<String, Object> t = get("/cgi-bin/token?grant_type=client_credential&appid=wx1234567890abcdef&secret=s3cret");
        assertEquals(7200L, t.get("expires_in"));
        return (String) t.get("access_token");
    }

    static Object errcode(Map<String, Object> answer) {
        return answer.get("errcode");
    }

    static String text(String to, String content) {
        return Json.write(Map.of("touser", to, "msgtype", "text", "text", Map.of("content", content)));
    }

    @Test
    void issuesTokensOnlyToItsAccounts() throws Exception {
        assertEquals(40013L, errcode(get("/cgi-bin/token?grant_type=client_credential&appid=wxnope&secret=s3cret")));
        assertEquals(40125L, errcode(get("/cgi-bin/token?grant_type=client_credential&appid=wx1234567890abcdef&secret=no")));
        assertEquals(40002L, errcode(get("/cgi-bin/token?grant_type=password&appid=wx1234567890abcdef&secret=s3cret")));
        assertEquals(41002L, errcode(get("/cgi-bin/token?grant_type=client_credential&secret=s3cret")));
        assertEquals(0, sandbox.tokensIssued());
        String a = token();
        assertNotEquals(a, token());
        assertEquals(2, sandbox.tokensIssued());
    }

    @Test
    void recordsWhatWasSentWithItsChineseIntact() throws Exception {
        String token = token();
        Map<String, Object> ok = post("/cgi-bin/message/custom/send?access_token=" + token, text("oCustomer1", "您好，包裹已发出 📦"));
        assertEquals(0L, errcode(ok));
        assertEquals("ok", ok.get("errmsg"));
        Map<String, Object> tpl = post("/cgi-bin/message/template/send?access_token=" + token, Json.write(Map.of(
                "touser", "oCustomer1", "template_id", "TPL-1", "data", Map.of("first", Map.of("value", "订单已发货")))));
        assertEquals(0L, errcode(tpl));
        assertTrue(tpl.get("msgid") instanceof Long);

        List<WechatSandbox.Sent> sent = sandbox.awaitSent(2, Duration.ofSeconds(1));
        assertEquals("custom", sent.get(0).api());
        assertEquals("oCustomer1", sent.get(0).touser());
        assertEquals("您好，包裹已发出 📦", sent.get(0).at("text.content"));
        assertEquals("订单已发货", sent.get(1).at("data.first.value"));

        HttpResponse<String> listed = http.send(HttpRequest.newBuilder(URI.create(sandbox.url() + "/sandbox/sent")).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertTrue(listed.body().contains("您好，包裹已发出 📦"), listed.body());
    }

    @Test
    void refusesBadSendsAsWechatDoes() throws Exception {
        String token = token();
        String custom = "/cgi-bin/message/custom/send?access_token=";
        assertEquals(41001L, errcode(post("/cgi-bin/message/custom/send", text("o1", "hi"))));
        assertEquals(40001L, errcode(post(custom + "made-up", text("o1", "hi"))));
        assertEquals(47001L, errcode(post(custom + token, "{not json")));
        assertEquals(44002L, errcode(post(custom + token, "")));
        assertEquals(40003L, errcode(post(custom + token, text("", "hi"))));
        assertEquals(44004L, errcode(post(custom + token, Json.write(Map.of("touser", "o1", "msgtype", "text", "text", Map.of())))));
        assertEquals(40007L, errcode(post(custom + token, Json.write(Map.of("touser", "o1", "msgtype", "image", "image", Map.of())))));
        assertEquals(40008L, errcode(post(custom + token, Json.write(Map.of("touser", "o1", "msgtype", "hologram")))));
        assertEquals(40037L, errcode(post("/cgi-bin/message/template/send?access_token=" + token, Json.write(Map.of("touser", "o1")))));
        sandbox.failNextSends(45015, 1);
        assertEquals(45015L, errcode(post(custom + token, text("o1", "hi"))));
        assertEquals(0L, errcode(post(custom + token, text("o1", "hi"))));
        assertEquals(1, sandbox.sent().size());
        assertEquals(List.of(41001, 40001, 47001, 44002, 40003, 44004, 40007, 40008, 40037, 45015),
                sandbox.rejected().stream().map(WechatSandbox.Rejected::errcode).toList());
    }

    @Test
    void tokensExpireAreInvalidatedAndRetireWhenReplaced() throws Exception {
        String custom = "/cgi-bin/message/custom/send?access_token=";
        String first = token();
        sandbox.expireTokens();
        assertEquals(42001L, errcode(post(custom + first, text("o1", "hi"))));
        String second = token();
        assertEquals(0L, errcode(post(custom + second, text("o1", "hi"))));
        sandbox.invalidateTokens();
        assertEquals(40001L, errcode(post(custom + second, text("o1", "hi"))));

        String third = token();
        clock.now = clock.now.plus(Duration.ofHours(1));
        String fourth = token();
        assertEquals(0L, errcode(post(custom + third, text("o1", "the old one still works for a while"))));
        clock.now = clock.now.plus(WechatSandbox.OVERLAP).plusSeconds(1);
        assertEquals(42001L, errcode(post(custom + third, text("o1", "hi"))));
        assertEquals(0L, errcode(post(custom + fourth, text("o1", "hi"))));
        clock.now = clock.now.plus(Duration.ofSeconds(7200));
        assertEquals(42001L, errcode(post(custom + fourth, text("o1", "hi"))));
    }

    @Test
    void peopleBreakTokensOverHttp() throws Exception {
        String token = token();
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(sandbox.url() + "/sandbox/tokens/invalidate"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(204, r.statusCode());
        assertEquals(40001L, errcode(post("/cgi-bin/message/custom/send?access_token=" + token, text("o1", "hi"))));
    }
}
