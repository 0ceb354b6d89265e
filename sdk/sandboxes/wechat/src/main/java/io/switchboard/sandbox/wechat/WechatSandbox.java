package io.switchboard.sandbox.wechat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.switchboard.sandbox.support.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * WeChat's official-account API as a channel sees it: {@code GET /cgi-bin/token} (checks AppID and
 * AppSecret, issues tokens that expire), {@code POST /cgi-bin/message/custom/send} and
 * {@code /cgi-bin/message/template/send} (check the token and the body, record what was sent, answer
 * {@code {"errcode":0,"errmsg":"ok"}} or WeChat's error JSON).
 *
 * <p>Tests read what was sent with {@link #sent()} / {@link #awaitSent}, and break things on purpose
 * with {@link #expireTokens()} (then 42001), {@link #invalidateTokens()} (40001) and
 * {@link #failNextSends}. People do the same over HTTP: {@code GET /sandbox/sent},
 * {@code POST /sandbox/tokens/expire}, {@code POST /sandbox/tokens/invalidate},
 * {@code DELETE /sandbox/sent}.
 */
public final class WechatSandbox implements AutoCloseable {

    /** One accepted call: which API, with which token, the body as it came and parsed. */
    public record Sent(String api, String accessToken, String body, Map<String, Object> json) {

        /** {@code "custom"} or {@code "template"}. */
        public String api() {
            return api;
        }

        public String touser() {
            return (String) json.get("touser");
        }

        /** A value by dotted path, e.g. {@code "text.content"}, {@code "data.first.value"}. */
        public Object at(String path) {
            return Json.at(json, path);
        }
    }

    /** A call refused with a WeChat error code. */
    public record Rejected(String api, int errcode, String errmsg) {
    }

    private record Token(String appId, Instant expires, boolean invalid) {
    }

    /** WeChat keeps a replaced token working this long, so callers can switch over. */
    static final Duration OVERLAP = Duration.ofMinutes(5);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final HttpServer server;
    private final ExecutorService executor;
    private final Clock clock;
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private final List<Sent> sent = new ArrayList<>();
    private final List<Rejected> rejected = new ArrayList<>();
    private final AtomicInteger tokensIssued = new AtomicInteger();
    private final AtomicLong nextMsgId = new AtomicLong(1_000_000_000L);
    private volatile Duration tokenLifetime = Duration.ofSeconds(7200);
    private int failSends;
    private int failErrcode;

    private WechatSandbox(HttpServer server, Clock clock) {
        this.server = server;
        this.clock = clock;
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "wechat-sandbox-api");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/cgi-bin/token", this::token);
        server.createContext("/cgi-bin/message/custom/send", x -> send(x, "custom"));
        server.createContext("/cgi-bin/message/template/send", x -> send(x, "template"));
        server.createContext("/sandbox/", this::control);
    }

    /** On 127.0.0.1; port 0 picks a free one. */
    public static WechatSandbox start(int port) {
        return start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), Clock.systemUTC());
    }

    public static WechatSandbox start(InetSocketAddress address, Clock clock) {
        try {
            WechatSandbox sandbox = new WechatSandbox(HttpServer.create(address, 50), clock);
            sandbox.server.start();
            return sandbox;
        } catch (IOException e) {
            throw new IllegalStateException("the WeChat sandbox did not start on " + address, e);
        }
    }

    /** Lets an official account with this AppID and AppSecret ask for tokens. */
    public WechatSandbox account(String appId, String appSecret) {
        secrets.put(appId, appSecret);
        return this;
    }

    /** How long new tokens live (WeChat: 7200 s). */
    public WechatSandbox tokenLifetime(Duration lifetime) {
        this.tokenLifetime = lifetime;
        return this;
    }

    /** The API base a channel is configured with, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        InetSocketAddress a = server.getAddress();
        return "http://" + a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Every token issued so far has expired: calls with them get 42001. */
    public void expireTokens() {
        Instant past = clock.instant().minusSeconds(1);
        tokens.replaceAll((k, t) -> new Token(t.appId(), past, t.invalid()));
    }

    /** Every token issued so far is no longer valid (as after a reset of the AppSecret): 40001. */
    public void invalidateTokens() {
        tokens.replaceAll((k, t) -> new Token(t.appId(), t.expires(), true));
    }

    /** The next {@code times} sends with a valid token are refused with {@code errcode}. */
    public synchronized void failNextSends(int errcode, int times) {
        this.failErrcode = errcode;
        this.failSends = times;
    }

    public int tokensIssued() {
        return tokensIssued.get();
    }

    public synchronized List<Sent> sent() {
        return List.copyOf(sent);
    }

    public synchronized List<Rejected> rejected() {
        return List.copyOf(rejected);
    }

    public synchronized void clear() {
        sent.clear();
        rejected.clear();
    }

    /** Waits until at least {@code count} calls were accepted; returns them all. */
    public synchronized List<Sent> awaitSent(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (sent.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("expected " + count + " sent, got " + sent.size() + ": " + sent
                        + "; rejected: " + rejected);
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return List.copyOf(sent);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void token(HttpExchange x) throws IOException {
        Map<String, String> q = query(x);
        String appId = q.get("appid");
        String secret = q.get("secret");
        if (!"GET".equals(x.getRequestMethod())) {
            answer(x, error(43001, "require GET method"));
        } else if (!"client_credential".equals(q.get("grant_type"))) {
            answer(x, error(40002, "invalid grant_type"));
        } else if (appId == null || appId.isEmpty()) {
            answer(x, error(41002, "appid missing"));
        } else if (secret == null || secret.isEmpty()) {
            answer(x, error(41004, "appsecret missing"));
        } else if (!secrets.containsKey(appId)) {
            answer(x, error(40013, "invalid appid"));
        } else if (!secrets.get(appId).equals(secret)) {
            answer(x, error(40125, "invalid appsecret"));
        } else {
            Instant now = clock.instant();
            // a new token retires the account's older ones after a short overlap, as WeChat does
            Instant retire = now.plus(OVERLAP);
            tokens.replaceAll((k, t) -> t.appId().equals(appId) && t.expires().isAfter(retire)
                    ? new Token(t.appId(), retire, t.invalid()) : t);
            byte[] bytes = new byte[96];
            RANDOM.nextBytes(bytes);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            Duration lifetime = tokenLifetime;
            tokens.put(token, new Token(appId, now.plus(lifetime), false));
            tokensIssued.incrementAndGet();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("access_token", token);
            body.put("expires_in", lifetime.toSeconds());
            answer(x, body);
        }
    }

    private void send(HttpExchange x, String api) throws IOException {
        if (!"POST".equals(x.getRequestMethod())) {
            answer(x, reject(api, 43002, "require POST method"));
            return;
        }
        String accessToken = query(x).get("access_token");
        String body = new String(readAll(x.getRequestBody()), StandardCharsets.UTF_8);
        Map<String, Object> error = checkToken(api, accessToken);
        if (error != null) {
            answer(x, error);
            return;
        }
        Map<String, Object> json;
        try {
            json = body.isBlank() ? null : Json.parseObject(body);
        } catch (IllegalArgumentException e) {
            answer(x, reject(api, 47001, "data format error"));
            return;
        }
        if (json == null) {
            answer(x, reject(api, 44002, "empty post data"));
            return;
        }
        error = "custom".equals(api) ? checkCustom(json) : checkTemplate(json);
        if (error != null) {
            answer(x, reject(api, ((Number) error.get("errcode")).intValue(), (String) error.get("errmsg")));
            return;
        }
        int failWith = 0;
        synchronized (this) {
            if (failSends > 0) {
                failSends--;
                failWith = failErrcode;
            }
        }
        if (failWith != 0) {
            answer(x, reject(api, failWith, "sandbox: failing as told"));
            return;
        }
        Map<String, Object> ok = new LinkedHashMap<>(error(0, "ok"));
        if ("template".equals(api)) {
            ok.put("msgid", nextMsgId.incrementAndGet());
        }
        synchronized (this) {
            sent.add(new Sent(api, accessToken, body, json));
            notifyAll();
        }
        answer(x, ok);
    }

    private Map<String, Object> checkToken(String api, String accessToken) {
        if (accessToken == null || accessToken.isEmpty()) {
            return reject(api, 41001, "access_token missing");
        }
        Token t = tokens.get(accessToken);
        if (t == null || t.invalid()) {
            return reject(api, 40001, "invalid credential, access_token is invalid or not latest");
        }
        if (!t.expires().isAfter(clock.instant())) {
            return reject(api, 42001, "access_token expired");
        }
        return null;
    }

    private static Map<String, Object> checkCustom(Map<String, Object> json) {
        if (!(json.get("touser") instanceof String to) || to.isEmpty()) {
            return error(40003, "invalid openid");
        }
        Object type = json.get("msgtype");
        if ("text".equals(type)) {
            return Json.at(json, "text.content") instanceof String s && !s.isEmpty() ? null : error(44004, "empty content");
        }
        if ("image".equals(type) || "voice".equals(type)) {
            return Json.at(json, type + ".media_id") instanceof String s && !s.isEmpty() ? null : error(40007, "invalid media_id");
        }
        return error(40008, "invalid message type");
    }

    private static Map<String, Object> checkTemplate(Map<String, Object> json) {
        if (!(json.get("touser") instanceof String to) || to.isEmpty()) {
            return error(40003, "invalid openid");
        }
        if (!(json.get("template_id") instanceof String id) || id.isEmpty()) {
            return error(40037, "invalid template_id");
        }
        if (json.containsKey("data") && !(json.get("data") instanceof Map)) {
            return error(47001, "data format error");
        }
        return null;
    }

    private Map<String, Object> reject(String api, int errcode, String errmsg) {
        synchronized (this) {
            rejected.add(new Rejected(api, errcode, errmsg));
        }
        return error(errcode, errmsg);
    }

    private static Map<String, Object> error(int errcode, String errmsg) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("errcode", errcode);
        body.put("errmsg", errcode == 0 ? errmsg : errmsg + " rid: " + Long.toHexString(RANDOM.nextLong()));
        return body;
    }

    private void control(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getPath();
        String method = x.getRequestMethod();
        if (path.equals("/sandbox/sent") && method.equals("GET")) {
            List<Object> list = new ArrayList<>();
            for (Sent s : sent()) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("api", s.api());
                item.put("body", s.json());
                list.add(item);
            }
            write(x, 200, Json.write(list));
        } else if (path.equals("/sandbox/sent") && method.equals("DELETE")) {
            clear();
            write(x, 204, null);
        } else if (path.equals("/sandbox/tokens/expire") && method.equals("POST")) {
            expireTokens();
            write(x, 204, null);
        } else if (path.equals("/sandbox/tokens/invalidate") && method.equals("POST")) {
            invalidateTokens();
            write(x, 204, null);
        } else {
            write(x, 404, Json.write(error(-1, "no such sandbox call")));
        }
    }

    private static void answer(HttpExchange x, Map<String, Object> body) throws IOException {
        // WeChat answers its errors with 200 too; only errcode tells
        write(x, 200, Json.write(body));
    }

    private static void write(HttpExchange x, int status, String body) throws IOException {
        try (x) {
            if (body == null) {
                x.sendResponseHeaders(status, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
            x.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    static Map<String, String> query(HttpExchange x) {
        Map<String, String> q = new LinkedHashMap<>();
        String raw = x.getRequestURI().getRawQuery();
        if (raw == null) {
            return q;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            q.putIfAbsent(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return q;
    }

    static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }
}
