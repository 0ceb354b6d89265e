package io.switchboard.sandbox.wechat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * WeChat's servers as an official account's URL sees them: they verify the URL ({@code GET} with
 * {@code signature}, {@code timestamp}, {@code nonce}, {@code echostr}), and push each message as
 * XML in a signed {@code POST}, in safe mode encrypted and signed again ({@code encrypt_type=aes},
 * {@code msg_signature}), in compatible mode both. A push not answered with 200 within 5 seconds is
 * sent again, three attempts in all; the account must collapse the repeats by {@code MsgId}.
 */
public final class WechatServer {

    /** The account's "message encryption method" in WeChat's console. */
    public enum Mode { PLAIN, COMPATIBLE, SAFE }

    /** A signed push, ready to send; a test may tamper with it first. */
    public record Push(URI uri, String body) {
    }

    /**
     * What became of a push: how many attempts it took, the last status and body, and the account's
     * passive reply (decrypted in safe mode), or null when it answered {@code success} or nothing.
     */
    public record Delivery(int attempts, int status, String body, String reply) {

        public boolean accepted() {
            return status == 200;
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern FROM = Pattern.compile("<FromUserName>\\s*(?:<!\\[CDATA\\[)?(.*?)(?:]]>)?\\s*</FromUserName>", Pattern.DOTALL);
    private static final Pattern TO = Pattern.compile("<ToUserName>\\s*(?:<!\\[CDATA\\[)?(.*?)(?:]]>)?\\s*</ToUserName>", Pattern.DOTALL);

    private final String token;
    private final Mode mode;
    private final Envelope envelope;
    private final HttpClient http;
    private Clock clock = Clock.systemUTC();
    private Duration timeout = Duration.ofSeconds(5);
    private int attempts = 3;

    /** An account in plain mode. */
    public WechatServer(String token) {
        this(token, null, null, Mode.PLAIN);
    }

    public WechatServer(String token, String appId, String encodingAesKey, Mode mode) {
        this.token = token;
        this.mode = mode;
        this.envelope = mode == Mode.PLAIN ? null : new Envelope(encodingAesKey, appId);
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** How long a push may take before it counts as unanswered (WeChat: 5 s). */
    public WechatServer timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    /** Attempts per push, the first included (WeChat: 3). */
    public WechatServer attempts(int attempts) {
        this.attempts = attempts;
        return this;
    }

    public WechatServer clock(Clock clock) {
        this.clock = clock;
        return this;
    }

    /** {@code hex(sha1(sorted parts joined))}: {@code signature} and {@code msg_signature} both. */
    public static String signature(String... parts) {
        String[] sorted = parts.clone();
        Arrays.sort(sorted);
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return HexFormat.of().formatHex(sha1.digest(String.join("", sorted).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Verifies the URL as WeChat's console does when "Submit" is pressed: true if it echoed. */
    public boolean verify(URI url) throws IOException, InterruptedException {
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        String nonce = nonce();
        String echostr = Long.toUnsignedString(RANDOM.nextLong());
        URI uri = withQuery(url, "signature=" + signature(token, timestamp, nonce) + "&echostr=" + echostr
                + "&timestamp=" + timestamp + "&nonce=" + nonce);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return r.statusCode() == 200 && echostr.equals(r.body());
    }

    /** Pushes {@code xml} as WeChat does, retrying while unanswered. */
    public Delivery push(URI url, String xml) throws InterruptedException {
        return send(prepare(url, xml));
    }

    /**
     * Sends the same push {@code times} times whatever the answers: what an account sees when its
     * answers were too slow to reach WeChat. Returns the last delivery.
     */
    public Delivery repeat(URI url, String xml, int times) throws InterruptedException {
        Push push = prepare(url, xml);
        Delivery last = null;
        for (int i = 0; i < times; i++) {
            last = once(push, i + 1);
        }
        return last;
    }

    /** Signs (and in safe or compatible mode encrypts) a push. */
    public Push prepare(URI url, String xml) {
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        String nonce = nonce();
        String openid = first(FROM, xml);
        StringBuilder query = new StringBuilder("signature=").append(signature(token, timestamp, nonce))
                .append("&timestamp=").append(timestamp).append("&nonce=").append(nonce);
        if (openid != null) {
            query.append("&openid=").append(URLEncoder.encode(openid, StandardCharsets.UTF_8));
        }
        String body = xml;
        if (mode != Mode.PLAIN) {
            String encrypted = envelope.seal(xml);
            query.append("&encrypt_type=aes&msg_signature=").append(signature(token, timestamp, nonce, encrypted));
            String element = "<Encrypt>" + cdata(encrypted) + "</Encrypt>";
            body = mode == Mode.SAFE
                    ? "<xml><ToUserName>" + cdata(String.valueOf(first(TO, xml))) + "</ToUserName>" + element + "</xml>"
                    : xml.substring(0, xml.lastIndexOf("</xml>")) + element + "</xml>";
        }
        return new Push(withQuery(url, query.toString()), body);
    }

    /** Sends a prepared push, retrying while it is unanswered. */
    public Delivery send(Push push) throws InterruptedException {
        Delivery last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            last = once(push, attempt);
            if (last.accepted()) {
                break;
            }
        }
        return last;
    }

    private Delivery once(Push push, int attempt) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(push.uri()).timeout(timeout)
                .header("Content-Type", "text/xml; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(push.body(), StandardCharsets.UTF_8)).build();
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            String reply = r.statusCode() == 200 ? reply(r.body()) : null;
            return new Delivery(attempt, r.statusCode(), r.body(), reply);
        } catch (IOException unanswered) {
            // a timeout or a broken connection: WeChat counts it as no answer and tries again
            return new Delivery(attempt, 0, String.valueOf(unanswered), null);
        }
    }

    /**
     * The passive reply in an account's answer, decrypted and its {@code MsgSignature} checked in
     * safe mode; null for {@code success} or an empty answer.
     *
     * @throws IllegalStateException when an encrypted reply's signature does not match
     */
    public String reply(String body) {
        if (body == null || body.isBlank() || body.strip().equals("success")) {
            return null;
        }
        if (envelope == null || !body.contains("<Encrypt>")) {
            return body;
        }
        String encrypted = element(body, "Encrypt");
        String expected = signature(token, element(body, "TimeStamp"), element(body, "Nonce"), encrypted);
        if (!expected.equals(element(body, "MsgSignature"))) {
            throw new IllegalStateException("the reply's MsgSignature does not match");
        }
        return envelope.open(encrypted);
    }

    private static String element(String xml, String name) {
        String v = first(Pattern.compile("<" + name + ">\\s*(?:<!\\[CDATA\\[)?(.*?)(?:]]>)?\\s*</" + name + ">", Pattern.DOTALL), xml);
        if (v == null) {
            throw new IllegalStateException("the reply has no " + name);
        }
        return v;
    }

    private static String first(Pattern p, String xml) {
        Matcher m = p.matcher(xml);
        return m.find() ? m.group(1) : null;
    }

    private static URI withQuery(URI url, String query) {
        String s = url.toString();
        return URI.create(s + (s.contains("?") ? "&" : "?") + query);
    }

    private static String nonce() {
        return Integer.toString(100_000_000 + RANDOM.nextInt(900_000_000));
    }

    static String cdata(String text) {
        return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>";
    }

    // The XML WeChat pushes, field for field.

    public static String text(String toAccount, String fromOpenid, long createTime, String content, long msgId) {
        return head(toAccount, fromOpenid, createTime, "text")
                + "<Content>" + cdata(content) + "</Content><MsgId>" + msgId + "</MsgId></xml>";
    }

    public static String image(String toAccount, String fromOpenid, long createTime, String picUrl, String mediaId, long msgId) {
        return head(toAccount, fromOpenid, createTime, "image") + "<PicUrl>" + cdata(picUrl) + "</PicUrl>"
                + "<MediaId>" + cdata(mediaId) + "</MediaId><MsgId>" + msgId + "</MsgId></xml>";
    }

    /** {@code recognition} is WeChat's speech-to-text, null where the account has it off. */
    public static String voice(String toAccount, String fromOpenid, long createTime, String mediaId, String format,
                               String recognition, long msgId) {
        return head(toAccount, fromOpenid, createTime, "voice") + "<MediaId>" + cdata(mediaId) + "</MediaId>"
                + "<Format>" + cdata(format) + "</Format>"
                + (recognition == null ? "" : "<Recognition>" + cdata(recognition) + "</Recognition>")
                + "<MsgId>" + msgId + "</MsgId></xml>";
    }

    /** {@code subscribe}, {@code unsubscribe}, or {@code CLICK} with the menu's {@code eventKey}. */
    public static String event(String toAccount, String fromOpenid, long createTime, String event, String eventKey) {
        return head(toAccount, fromOpenid, createTime, "event") + "<Event>" + cdata(event) + "</Event>"
                + (eventKey == null ? "" : "<EventKey>" + cdata(eventKey) + "</EventKey>") + "</xml>";
    }

    private static String head(String to, String from, long createTime, String type) {
        return "<xml><ToUserName>" + cdata(to) + "</ToUserName><FromUserName>" + cdata(from) + "</FromUserName>"
                + "<CreateTime>" + createTime + "</CreateTime><MsgType>" + cdata(type) + "</MsgType>";
    }
}
