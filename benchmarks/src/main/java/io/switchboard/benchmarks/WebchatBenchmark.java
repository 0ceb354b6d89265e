package io.switchboard.benchmarks;

import io.switchboard.testkit.TestServer;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.qpid.jms.JmsConnectionFactory;

/**
 * Web chat end to end on the real distribution: N messages POSTed by C concurrent clients, each timed
 * from the start of its POST until the core's {@code message.received} event for it (published after
 * the database commit). Beside it, the same broker's raw durable send→receive rate with C producers.
 */
public final class WebchatBenchmark {

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        String password = "bench-" + UUID.randomUUID();
        try (TestServer server = TestServer.unpack(
                TestServer.findDistribution(Path.of(System.getProperty("switchboard.distro.dir"))),
                Path.of(System.getProperty("switchboard.bench.dir")), password)
                // every simulated visitor posts from this one address: the per-address limit would be the figure
                .configure("io.switchboard.channel.webchat", "ratePerMinute", "100000000")
                .requireRoutes("switchboard-conversation/conversation-inbound", "switchboard-webchat/webchat-inbound")) {
            long boot = System.nanoTime();
            server.start();
            System.out.printf("server healthy after %.1f s (bin/karaf to /health UP)%n", (System.nanoTime() - boot) / 1e9);
            JmsConnectionFactory factory = new JmsConnectionFactory(TestServer.ADMIN, password, server.busUrl());
            webchat(server, factory, Math.min(200, messages), clients); // warm-up
            rawArtemis(factory, Math.min(200, messages), clients);
            Result chat = webchat(server, factory, messages, clients);
            Result raw = rawArtemis(factory, messages, clients);
            System.out.println();
            System.out.printf("machine: %d cores, Java %s%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
            System.out.printf("webchat end to end (POST -> stored, %d msgs, %d clients): %8.0f msg/s   p50 %6.1f ms   p99 %6.1f ms%n",
                    messages, clients, chat.rate, chat.p50, chat.p99);
            System.out.printf("raw Artemis durable send->receive (%d msgs, %d producers): %8.0f msg/s   p50 %6.1f ms   p99 %6.1f ms%n",
                    messages, clients, raw.rate, raw.p50, raw.p99);
            server.jvm().flatMap(p -> p.info().totalCpuDuration()).ifPresent(cpu ->
                    System.out.printf("server JVM CPU time: %.1f s%n", cpu.toMillis() / 1000.0));
        }
        // the HTTP client's and JMS listeners' threads are not daemons; exec:java would wait on them
        System.exit(0);
    }

    record Result(double rate, double p50, double p99) {
    }

    static Result webchat(TestServer server, JmsConnectionFactory factory, int messages, int clients) throws Exception {
        Map<String, Long> started = new ConcurrentHashMap<>();
        Map<String, Long> stored = new ConcurrentHashMap<>();
        CountDownLatch all = new CountDownLatch(messages);
        try (Connection c = factory.createConnection(); Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
             MessageConsumer events = s.createConsumer(s.createTopic("sb.events"))) {
            events.setMessageListener(m -> {
                try {
                    JsonObject event = Json.createReader(new StringReader(((TextMessage) m).getText())).readObject();
                    if ("message.received".equals(event.getString("type"))) {
                        String id = event.getJsonObject("data").getString("messageId");
                        if (stored.putIfAbsent(id, System.nanoTime()) == null && started.containsKey(id)) {
                            all.countDown();
                        }
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                }
            });
            c.start();
            HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(clients)).build();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            AtomicInteger next = new AtomicInteger();
            String[] visitors = new String[Math.max(clients * 4, 1)];
            for (int i = 0; i < visitors.length; i++) {
                visitors[i] = "bench" + UUID.randomUUID().toString().replace("-", "");
            }
            long begin = System.nanoTime();
            for (int t = 0; t < clients; t++) {
                pool.execute(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < messages) {
                        String body = "{\"visitorId\":\"" + visitors[i % visitors.length] + "\",\"text\":\"压测消息 " + i
                                + " 📦\",\"clientMessageId\":\"b" + i + "-" + begin + "\"}";
                        long t0 = System.nanoTime();
                        try {
                            HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.url("/switchboard/api/webchat/messages"))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() != 202) {
                                throw new IllegalStateException(r.statusCode() + " " + r.body());
                            }
                            String id = Json.createReader(new StringReader(r.body())).readObject().getString("messageId");
                            started.put(id, t0);
                            if (stored.containsKey(id)) {
                                all.countDown();
                            }
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                });
            }
            pool.shutdown();
            if (!all.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("only " + (messages - all.getCount()) + " of " + messages + " stored");
            }
            long end = stored.values().stream().mapToLong(Long::longValue).max().orElseThrow();
            double[] latencies = started.entrySet().stream().mapToDouble(e -> (stored.get(e.getKey()) - e.getValue()) / 1e6).toArray();
            return result(messages, end - begin, latencies);
        }
    }

    static Result rawArtemis(JmsConnectionFactory factory, int messages, int producers) throws Exception {
        String queue = "bench.raw." + UUID.randomUUID();
        CountDownLatch all = new CountDownLatch(messages);
        List<Double> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        try (Connection consumerConnection = factory.createConnection();
             Session cs = consumerConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
             MessageConsumer consumer = cs.createConsumer(cs.createQueue(queue))) {
            consumer.setMessageListener(m -> {
                try {
                    latencies.add((System.nanoTime() - m.getLongProperty("sent")) / 1e6);
                } catch (Exception e) {
                    e.printStackTrace();
                }
                all.countDown();
            });
            consumerConnection.start();
            AtomicInteger next = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(producers);
            long begin = System.nanoTime();
            for (int t = 0; t < producers; t++) {
                pool.execute(() -> {
                    try (Connection c = factory.createConnection(); Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                         MessageProducer p = s.createProducer(s.createQueue(queue))) {
                        p.setDeliveryMode(DeliveryMode.PERSISTENT);
                        int i;
                        while ((i = next.getAndIncrement()) < messages) {
                            TextMessage m = s.createTextMessage("{\"text\":\"压测消息 " + i + "\"}");
                            m.setLongProperty("sent", System.nanoTime());
                            p.send(m);
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
            pool.shutdown();
            if (!all.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("raw: only " + (messages - all.getCount()) + " received");
            }
            long end = System.nanoTime();
            return result(messages, end - begin, latencies.stream().mapToDouble(Double::doubleValue).toArray());
        }
    }

    static Result result(int messages, long nanos, double[] latencies) {
        Arrays.sort(latencies);
        return new Result(messages / (nanos / 1e9), percentile(latencies, 0.50), percentile(latencies, 0.99));
    }

    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
