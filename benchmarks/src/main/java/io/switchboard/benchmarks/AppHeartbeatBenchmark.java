package io.switchboard.benchmarks;

import io.switchboard.app.client.AppClient;
import io.switchboard.testkit.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What an idle in-app connection costs: the Java client connects through a byte-counting TCP relay
 * with a 1 s heartbeat, sits idle, and the bytes counted per heartbeat are scaled to 24 h at the
 * default 270 s. TCP/IP headers are not visible to a relay: they are added as an estimate, stated.
 *
 * <p>Usage: benchmarks/run-app-heartbeat [idleSeconds] [intervalSeconds]
 */
public final class AppHeartbeatBenchmark {

    public static void main(String[] args) throws Exception {
        int idle = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int interval = args.length > 1 ? Integer.parseInt(args[1]) : 270;
        String secret = "bench-" + UUID.randomUUID();
        TestServer server = TestServer.unpack(TestServer.findDistribution(Path.of(System.getProperty("switchboard.distro.dir"))),
                        Path.of(System.getProperty("switchboard.bench.dir")), "Bench-" + UUID.randomUUID())
                .configure("io.switchboard.channel.app", "secret.bench", secret)
                .configure("io.switchboard.channel.app", "minPingSeconds", "1")
                .requireRoutes("switchboard-app/app-outbound");
        server.start();
        try (Relay relay = new Relay(server.httpPort())) {
            String token = sign(secret, System.currentTimeMillis() / 1000 + 3600);
            AppClient client = AppClient.builder(URI.create("ws://127.0.0.1:" + relay.port() + "/switchboard/app/socket"),
                    () -> token, reply -> { }).pingSeconds(1).build();
            client.start();
            while (!client.connected()) {
                Thread.sleep(20);
            }
            Thread.sleep(300);
            long up0 = relay.up.get();
            long down0 = relay.down.get();
            long t0 = System.nanoTime();
            Thread.sleep(idle * 1000L);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long up = relay.up.get() - up0;
            long down = relay.down.get() - down0;
            client.close();
            double beats = seconds / client.pingSeconds();
            double perBeat = (up + down) / beats;
            double perDay = 86_400.0 / interval;
            int headers = 3 * 52;
            System.out.printf("idle %.1f s at a %d s heartbeat: %d bytes up, %d bytes down (WebSocket frames, counted at the relay)%n",
                    seconds, client.pingSeconds(), up, down);
            System.out.printf("per heartbeat: %.2f bytes of frames (ping %.2f up, pong %.2f down)%n", perBeat, up / beats, down / beats);
            System.out.printf("per 24 h at %d s (%.0f heartbeats): %.0f bytes = %.2f KB of WebSocket frames (claim: 2.7 KB)%n",
                    interval, perDay, perBeat * perDay, perBeat * perDay / 1024);
            System.out.printf("with TCP/IP, estimated: + 3 segments x 52 bytes (IPv4 20 + TCP 20 + timestamps 12) per heartbeat%n"
                    + "  = %.0f bytes/heartbeat, %.0f bytes = %.1f KB per 24 h (IPv6: %.1f KB; plus TLS 1.3 records: +%.1f KB)%n",
                    perBeat + headers, (perBeat + headers) * perDay, (perBeat + headers) * perDay / 1024,
                    (perBeat + 3 * 72) * perDay / 1024, 44 * perDay / 1024);
        } finally {
            server.stop();
        }
    }

    static String sign(String secret, long exp) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String input = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(("{\"appId\":\"bench\",\"userId\":\"idle-user\",\"deviceId\":\"d1\",\"exp\":" + exp + "}")
                .getBytes(StandardCharsets.UTF_8));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return input + "." + b64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    }

    /** A one-connection TCP relay that counts the bytes each way. */
    static final class Relay implements AutoCloseable {
        final AtomicLong up = new AtomicLong();
        final AtomicLong down = new AtomicLong();
        private final ServerSocket listener;
        private final int target;

        Relay(int target) throws IOException {
            this.target = target;
            listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
            Thread t = new Thread(this::accept, "relay");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        private void accept() {
            try {
                while (true) {
                    Socket client = listener.accept();
                    Socket server = new Socket();
                    server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target));
                    pump(client, server, up);
                    pump(server, client, down);
                }
            } catch (IOException closed) {
                // done
            }
        }

        private static void pump(Socket from, Socket to, AtomicLong count) {
            Thread t = new Thread(() -> {
                byte[] buffer = new byte[8192];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        count.addAndGet(n);
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                } catch (IOException gone) {
                    // connection over
                }
            }, "relay-pump");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }
}
