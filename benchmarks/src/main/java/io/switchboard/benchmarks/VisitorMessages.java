package io.switchboard.benchmarks;

import io.switchboard.testkit.TestServer;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The visitors' leg: web chat messages POSTed open loop, each timed from its intended send time until
 * the core's {@code message.received} event for it on {@code sb.events}, which the core publishes
 * after the database commit: the message is stored and in the agents' view.
 */
final class VisitorMessages implements AutoCloseable {

    private static final String DEPTH = "/hawtio/jolokia/read/org.apache.activemq.artemis:broker=*,component=addresses,"
            + "address=%22{q}%22,subcomponent=queues,routing-type=%22anycast%22,queue=%22{q}%22/MessageCount";

    private final TestServer server;
    private final ServerJvm jvm;
    private final String[] visitors;
    private final String runTag = UUID.randomUUID().toString().substring(0, 8);
    private final URI endpoint;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Window.Sent> pending = new ConcurrentHashMap<>();
    private final JsonReaderFactory json = Json.createReaderFactory(Map.of());
    private final Connection events;
    private int windows;

    VisitorMessages(TestServer server, ConnectionFactory bus, ServerJvm jvm, int visitorCount) throws JMSException {
        this.server = server;
        this.jvm = jvm;
        this.endpoint = server.url("/switchboard/api/webchat/messages");
        this.visitors = new String[visitorCount];
        for (int i = 0; i < visitorCount; i++) {
            visitors[i] = "bench" + UUID.randomUUID().toString().replace("-", "");
        }
        events = bus.createConnection();
        Session session = events.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = session.createConsumer(session.createTopic("sb.events"));
        consumer.setMessageListener(m -> {
            long now = System.nanoTime();
            try {
                String text = ((TextMessage) m).getText();
                // most events are of other kinds: not worth parsing
                if (text == null || !text.contains("message.received")) {
                    return;
                }
                JsonObject event = json.createReader(new StringReader(text)).readObject();
                JsonValue data = event.get("data");
                if ("message.received".equals(event.getString("type", null)) && data instanceof JsonObject d) {
                    String id = d.getString("messageId", null);
                    if (id != null) {
                        Window.arrived(pending, id, now);
                    }
                }
            } catch (JMSException | RuntimeException e) {
                System.out.println("  unreadable event: " + e);
            }
        });
        events.start();
    }

    /**
     * Each visitor writes once, at a rate a cold server copes with, and all of it is stored before
     * anything is measured: the rates then measure messages to open conversations on a server whose
     * JIT has seen the path, and the first rate does not pay for every conversation's opening.
     */
    Window openConversations(double rate) throws InterruptedException {
        return offer("open", rate, Duration.ZERO, Duration.ofMillis(Math.round(visitors.length * 1000 / rate)), null, null);
    }

    /** Offers {@code rate} messages a second, spread round robin over the visitors. */
    Window offer(double rate, Duration warmup, Duration measure, Runnable beforeMeasure, Runnable afterMeasure)
            throws InterruptedException {
        return offer("store", rate, warmup, measure, beforeMeasure, afterMeasure);
    }

    private Window offer(String leg, double rate, Duration warmup, Duration measure, Runnable beforeMeasure,
                         Runnable afterMeasure) throws InterruptedException {
        Window window = new Window(leg, rate, warmup, measure, pending, jvm, this::inboundDepth);
        String prefix = "b" + runTag + "-" + (windows++) + "-";
        return window.run((i, intended) -> post(window, visitors[(int) (i % visitors.length)], prefix + i, i, intended),
                beforeMeasure, afterMeasure);
    }

    private void post(Window window, String visitorId, String clientMessageId, long i, long intended) {
        // the web chat derives the stored id from the visitor's and the client's ids, so that a resend
        // is the same message: known before the send, it is registered before any event can name it
        String messageId = UUID.nameUUIDFromBytes(("webchat:" + visitorId + ":" + clientMessageId)
                .getBytes(StandardCharsets.UTF_8)).toString();
        window.sent(messageId, intended);
        String body = "{\"visitorId\":\"" + visitorId + "\",\"text\":\"压测消息 " + i + " 📦\",\"clientMessageId\":\""
                + clientMessageId + "\"}";
        http.sendAsync(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .whenComplete((r, e) -> {
                    if (e != null) {
                        window.failed(messageId, rootCause(e).getClass().getSimpleName());
                    } else if (r.statusCode() != 202) {
                        window.failed(messageId, "HTTP " + r.statusCode());
                    } else if (!r.body().contains(messageId)) {
                        // the server named it otherwise: its event would never be matched
                        window.failed(messageId, "202 with another messageId than webchat:<visitor>:<client id> gives");
                    }
                });
    }

    static Throwable rootCause(Throwable e) {
        while (e.getCause() != null && e.getCause() != e) {
            e = e.getCause();
        }
        return e;
    }

    /** Messages waiting in {@code sb.inbound} (Jolokia, as an operator would read it); -1 if unknown. */
    long inboundDepth() {
        return depth("sb.inbound");
    }

    /**
     * Waits (up to {@code limit}) until nothing waits in {@code queues}: what an aborted rate left behind
     * (the bot answering it, its answers to deliver) must not be measured as the next leg's latency.
     */
    boolean awaitQuiet(Duration limit, String... queues) throws InterruptedException {
        for (long deadline = System.nanoTime() + limit.toNanos(); System.nanoTime() < deadline; Thread.sleep(1000)) {
            boolean quiet = true;
            for (String q : queues) {
                quiet &= depth(q) == 0;
            }
            if (quiet) {
                return true;
            }
        }
        return false;
    }

    /** Messages waiting in the anycast queue {@code queue}; -1 if unknown. */
    long depth(String queue) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.url(DEPTH.replace("{q}", queue))).timeout(Duration.ofSeconds(5))
                    .header("Authorization", server.basicAuth()).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (r.statusCode() != 200) {
                return -1;
            }
            JsonObject value = json.createReader(new StringReader(r.body())).readObject().getJsonObject("value");
            return value.values().stream().mapToLong(v -> v.asJsonObject().getJsonNumber("MessageCount").longValue()).sum();
        } catch (Exception e) {
            return -1;
        }
    }

    @Override
    public void close() throws JMSException {
        events.close();
    }
}
