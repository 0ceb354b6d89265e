package io.switchboard.sandbox.wechat;

import java.net.URI;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar switchboard-sandbox-wechat.jar api|verify|push ...}: the sandbox for people. See
 * {@link #USAGE}.
 */
public final class Main {

    static final String USAGE = """
            usage:
              api    [--host 127.0.0.1] [--port 8089] [--appid wxsandbox] [--secret sandbox-secret] [--token-lifetime 7200]
                     WeChat's API (tokens, customer-service and template messages) until Ctrl-C;
                     GET /sandbox/sent shows what was sent, POST /sandbox/tokens/expire|invalidate breaks tokens
              verify --url URL --token TOKEN
                     verifies an account's URL as WeChat's console does
              push   --url URL --token TOKEN [--mode plain|compatible|safe --appid APPID --aes-key KEY]
                     [--from OPENID] [--to gh_sandbox] (--text TEXT | --event subscribe|unsubscribe|CLICK [--key KEY])
                     [--msgid N] [--times N]
                     pushes one message as WeChat does (retrying while unanswered), or N times
            """;

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.print(USAGE);
            return;
        }
        Map<String, String> o = options(args);
        switch (args[0]) {
            case "api" -> api(o);
            case "verify" -> {
                boolean ok = new WechatServer(require(o, "token")).verify(URI.create(require(o, "url")));
                System.out.println(ok ? "verified: the URL echoed echostr" : "NOT verified");
                System.exit(ok ? 0 : 1);
            }
            case "push" -> push(o);
            default -> {
                System.err.print(USAGE);
                System.exit(2);
            }
        }
    }

    private static void api(Map<String, String> o) throws InterruptedException {
        String appId = o.getOrDefault("appid", "wxsandbox");
        String secret = o.getOrDefault("secret", "sandbox-secret");
        java.net.InetSocketAddress address = new java.net.InetSocketAddress(o.getOrDefault("host", "127.0.0.1"),
                Integer.parseInt(o.getOrDefault("port", "8089")));
        WechatSandbox sandbox = WechatSandbox.start(address, java.time.Clock.systemUTC())
                .account(appId, secret)
                .tokenLifetime(java.time.Duration.ofSeconds(Long.parseLong(o.getOrDefault("token-lifetime", "7200"))));
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sandbox.close();
            stop.countDown();
        }));
        System.out.println("WeChat API sandbox at " + sandbox.url() + " (appId " + appId + ", secret " + secret + ")");
        System.out.println("configure the channel with apiBase = " + sandbox.url());
        stop.await();
    }

    private static void push(Map<String, String> o) throws Exception {
        WechatServer.Mode mode = WechatServer.Mode.valueOf(o.getOrDefault("mode", "plain").toUpperCase(java.util.Locale.ROOT));
        WechatServer server = mode == WechatServer.Mode.PLAIN
                ? new WechatServer(require(o, "token"))
                : new WechatServer(require(o, "token"), require(o, "appid"), require(o, "aes-key"), mode);
        String from = o.getOrDefault("from", "oSandboxCustomer0000000000001");
        String to = o.getOrDefault("to", "gh_sandbox");
        long now = Instant.now().getEpochSecond();
        long msgId = Long.parseLong(o.getOrDefault("msgid", Long.toString(System.currentTimeMillis() * 1000)));
        String xml;
        if (o.containsKey("text")) {
            xml = WechatServer.text(to, from, now, o.get("text"), msgId);
        } else if (o.containsKey("event")) {
            xml = WechatServer.event(to, from, now, o.get("event"), o.get("key"));
        } else {
            throw new IllegalArgumentException("--text or --event is required\n" + USAGE);
        }
        URI url = URI.create(require(o, "url"));
        int times = Integer.parseInt(o.getOrDefault("times", "1"));
        WechatServer.Delivery d = times > 1 ? server.repeat(url, xml, times) : server.push(url, xml);
        System.out.println("attempts " + d.attempts() + ", status " + d.status() + ", answer: " + d.body());
        System.exit(d.accepted() ? 0 : 1);
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value, got " + args[i] + "\n" + USAGE);
            }
            o.put(args[i].substring(2), args[++i]);
        }
        return o;
    }

    private static String require(Map<String, String> o, String name) {
        String v = o.get(name);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required\n" + USAGE);
        }
        return v;
    }
}
