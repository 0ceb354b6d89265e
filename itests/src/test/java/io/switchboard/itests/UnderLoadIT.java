package io.switchboard.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testkit.TestServer;
import jakarta.jms.Connection;
import jakarta.jms.Session;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The web chat at load, on a server of its own (the kills would take every other test's with it, and
 * its visitors all post from one address, beyond the per-address limit).
 *
 * <p>Order: 500 visitors post at 1,000 messages a second together, and each conversation is handled in
 * the order of its 202s. Nothing lost: visitors post at a steady rate and an agent replies while the
 * server is killed with {@code kill -9} and restarted five times; the clients keep going the whole
 * time, retrying what got no answer with the same client message id (as the widget does) and each
 * reply with the same reply id. Each restart must be ready within 60 s, every answer a client gets is
 * 202 (201 for a reply) or 503, never a 404 or a 500, and afterwards every message that got a 202 is
 * stored exactly once and every reply that got a 201 has reached its visitor's stream exactly once
 * across the stream's reconnects with {@code Last-Event-ID}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UnderLoadIT {

    static final String PASSWORD = "kill-" + UUID.randomUUID();
    /** Kills under load; more with -Dswitchboard.kill.rounds, three keep the suite within its time. */
    static final int ROUNDS = Integer.getInteger("switchboard.kill.rounds", 3);
    static final int VISITORS = 60;
    /** Visitors whose stream is open and who get replies. */
    static final int LISTENERS = 10;
    /** Messages a second from all visitors together, and replies a second. */
    static final double RATE = Double.parseDouble(System.getProperty("switchboard.kill.rate", "300"));
    static final double REPLY_RATE = 20;
    static final Duration LOAD_PER_ROUND = Duration.ofSeconds(6);
    static final Duration READY_WITHIN = Duration.ofSeconds(60);
    static final Pattern REPLY = Pattern.compile("\"text\":\"(reply-[0-9]+-[0-9]+)\"");

    static TestServer server;
    static Http http;
    static volatile boolean posting = true;
    static volatile boolean listening = true;
    /** What no client may ever be answered, with the round it came in. */
    static final List<String> wrongAnswers = Collections.synchronizedList(new ArrayList<>());
    static volatile int round;
    static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @AfterAll
    static void shutDown() {
        posting = false;
        listening = false;
        if (server != null) {
            server.stop();
        }
    }

    @BeforeAll
    static void boot() {
        server = Distribution.unpack(PASSWORD)
                // every visitor here posts from one address: the per-address limit is not what is tested
                .configure("io.switchboard.channel.webchat", "ratePerMinute", "100000000")
                .start();
        http = new Http(server);
    }

    /**
     * Order at load: 500 visitors each send ten messages one after the other, as the widget does, at a
     * thousand a second offered together. The core handles each conversation's messages in the order
     * their 202s came: its {@code message.received} events, which it publishes as it stores, come in
     * that order for every conversation (the timeline would not tell: it sorts by the time the channel
     * gave a message).
     */
    @Test
    @Order(1)
    void atAThousandMessagesASecondOverFiveHundredConversationsEachIsHandledInTheOrderOfIts202s() throws Exception {
        int visitors = 500;
        int each = 10;
        double rate = 1000;
        java.util.Map<String, List<String>> handled = new java.util.concurrent.ConcurrentHashMap<>();
        JmsConnectionFactory factory = new JmsConnectionFactory(TestServer.ADMIN, PASSWORD, server.busUrl());
        try (Connection c = factory.createConnection(); Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            jakarta.jms.MessageConsumer events = s.createConsumer(s.createTopic("sb.events"), "sbEventType = 'message.received'");
            events.setMessageListener(m -> {
                try {
                    JsonObject event = jakarta.json.Json.createReader(new java.io.StringReader(((jakarta.jms.TextMessage) m).getText())).readObject();
                    handled.computeIfAbsent(event.getString("conversationId"), k -> java.util.Collections.synchronizedList(new ArrayList<>()))
                            .add(event.getJsonObject("data").getString("messageId"));
                } catch (jakarta.jms.JMSException e) {
                    throw new IllegalStateException(e);
                }
            });
            c.start();

            java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                    .connectTimeout(java.time.Duration.ofSeconds(5)).build();
            java.net.URI uri = server.url("/switchboard/api/webchat/messages");
            java.util.concurrent.ScheduledExecutorService clock = java.util.concurrent.Executors.newScheduledThreadPool(2);
            List<List<String>> accepted = new ArrayList<>();
            String[] conversations = new String[visitors];
            List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
            java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(visitors);
            long interval = (long) (1e9 * visitors / rate);
            long start = System.nanoTime() + 200_000_000L;
            for (int v = 0; v < visitors; v++) {
                accepted.add(java.util.Collections.synchronizedList(new ArrayList<>()));
                new OrderedVisitor("order-" + UUID.randomUUID().toString().replace("-", ""), v, each, start + v * (interval / visitors), interval, client, uri, clock,
                        accepted.get(v), conversations, wrong, done).send(0);
            }
            assertTrue(done.await(180, TimeUnit.SECONDS), "the visitors did not get all their 202s in 3 minutes; wrong answers: "
                    + wrong.subList(0, Math.min(10, wrong.size())));
            double seconds = (System.nanoTime() - start) / 1e9;
            clock.shutdownNow();
            assertTrue(wrong.isEmpty(), "answers that are neither 202 nor 503: " + wrong.subList(0, Math.min(10, wrong.size())));
            System.out.printf("order: %d messages offered at %.0f/s, all 202'd after %.1f s (%.0f/s)%n",
                    visitors * each, rate, seconds, visitors * each / seconds);

            long deadline = System.currentTimeMillis() + 180_000;
            for (int v = 0; v < visitors; v++) {
                List<String> expected = accepted.get(v);
                String conversation = conversations[v];
                while (handled.getOrDefault(conversation, List.of()).size() < expected.size() && System.currentTimeMillis() < deadline) {
                    Thread.sleep(200);
                }
                assertEquals(expected, handled.get(conversation), "visitor " + v + ": handled in another order than its 202s");
            }
        }
    }

    /** One visitor of the order test: a message only after the previous one's 202, each at its time. */
    record OrderedVisitor(String id, int index, int each, long first, long interval, java.net.http.HttpClient client,
                          java.net.URI uri, java.util.concurrent.ScheduledExecutorService clock, List<String> accepted,
                          String[] conversations, List<String> wrong, java.util.concurrent.CountDownLatch done) {

        void send(int k) {
            long due = first + k * interval - System.nanoTime();
            clock.schedule(() -> post(k), Math.max(0, due), TimeUnit.NANOSECONDS);
        }

        void post(int k) {
            client.sendAsync(java.net.http.HttpRequest.newBuilder(uri).timeout(java.time.Duration.ofSeconds(30))
                            .header("Content-Type", "application/json")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"visitorId\":\"" + id + "\",\"text\":\"顺序 " + k + "\",\"clientMessageId\":\"o" + k + "\"}", StandardCharsets.UTF_8))
                            .build(), java.net.http.HttpResponse.BodyHandlers.ofString())
                    .whenComplete((r, e) -> {
                        if (r != null && r.statusCode() == 202) {
                            JsonObject body = jakarta.json.Json.createReader(new java.io.StringReader(r.body())).readObject();
                            accepted.add(body.getString("messageId"));
                            conversations[index] = body.getString("conversationId");
                            if (k + 1 == each) {
                                done.countDown();
                            } else {
                                send(k + 1);
                            }
                            return;
                        }
                        if (r != null && r.statusCode() != 503) {
                            wrong.add(r.statusCode() + " " + r.body());
                        }
                        // no answer or not yet: the same message again, as the widget resends it
                        clock.schedule(() -> post(k), 100, TimeUnit.MILLISECONDS);
                    });
        }
    }

    @Test
    @Order(2)
    void nothingAcceptedIsLostOrDoubledAcrossKillsUnderLoad() throws Exception {

        List<Visitor> visitors = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < VISITORS; i++) {
            Visitor v = new Visitor(i, i < LISTENERS);
            visitors.add(v);
            threads.add(start("visitor-" + i, v::post));
            if (v.listens) {
                threads.add(start("stream-" + i, v::listen));
            }
        }
        Thread agent = start("agent", () -> reply(visitors.subList(0, LISTENERS)));

        List<String> readyTimes = new ArrayList<>();
        for (round = 1; round <= ROUNDS; round++) {
            Thread.sleep(LOAD_PER_ROUND.toMillis());
            server.kill();
            long killed = System.nanoTime();
            // start() fails when health is not UP within the time
            server.start(READY_WITHIN);
            readyTimes.add(String.format("%.1f s", (System.nanoTime() - killed) / 1e9));
        }
        round = ROUNDS + 1;
        Thread.sleep(LOAD_PER_ROUND.toMillis());
        posting = false;
        for (Thread t : threads) {
            if (t.getName().startsWith("visitor-")) {
                t.join(60_000);
            }
        }
        agent.join(60_000);

        int accepted = visitors.stream().mapToInt(v -> v.accepted.size()).sum();
        int replies = visitors.stream().mapToInt(v -> v.replied.size()).sum();
        System.out.printf("UnderLoadIT: %d messages and %d replies accepted over %d kills; ready after %s; answers %s%n",
                accepted, replies, ROUNDS, readyTimes, answers);
        assertTrue(wrongAnswers.isEmpty(), "answered neither 202 nor 503: " + summary(wrongAnswers));
        assertTrue(accepted > ROUNDS * VISITORS, "too little got through to prove anything: " + accepted);
        assertTrue(replies > ROUNDS, "too few replies got through to prove anything: " + replies);

        // every 202'd message stored exactly once, in its visitor's order
        long deadline = System.currentTimeMillis() + 300_000;
        for (Visitor v : visitors) {
            List<String> stored = v.stored();
            while (stored.size() < v.accepted.size() && System.currentTimeMillis() < deadline) {
                Thread.sleep(1000);
                stored = v.stored();
            }
        }
        Thread.sleep(2000);
        for (Visitor v : visitors) {
            assertEquals(v.accepted, v.stored(), "visitor " + v.index + ": what got a 202 is not what was stored, once and in order");
        }

        // every 201'd reply on its visitor's stream exactly once
        for (Visitor v : visitors.subList(0, LISTENERS)) {
            while (!v.heard.containsAll(v.replied) && System.currentTimeMillis() < deadline) {
                Thread.sleep(500);
            }
        }
        Thread.sleep(1000);
        listening = false;
        for (Visitor v : visitors.subList(0, LISTENERS)) {
            List<String> heard;
            synchronized (v.heard) {
                heard = new ArrayList<>(v.heard);
            }
            assertEquals(v.replied, heard, "visitor " + v.index + ": the replies that got a 201 are not what the stream had, once each");
        }
    }

    /** Each kind of wrong answer once, with how often it came. */
    /**
     * Slow readers: 50 visitors open their stream and never read a byte. Agents answer each of them,
     * and three of them 130 replies of 27 KB, more than a connection's socket buffers hold (a few
     * megabytes on loopback), so that a server writing streams with blocking writes would have its
     * writers stuck on them. Another visitor's replies then reach its stream no more than 100 ms later
     * than before (medians of seven). Each stuck visitor, once it reads, has all its replies once and
     * in order; a stream cut off meanwhile for taking nothing resumes from its {@code Last-Event-ID}.
     */
    @Test
    @Order(3)
    void fiftyStreamsThatNeverReadDoNotDelayAnotherVisitorsReply() throws Exception {
        listening = true;
        Visitor healthy = new Visitor(1000, true);
        String conversation = conversationOf(healthy);
        Thread stream = start("healthy-stream", healthy::listen);
        List<Double> before = replyTimes(healthy, conversation, 0);

        List<Visitor> stuck = new ArrayList<>();
        List<java.net.Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < STUCK_READERS; i++) {
                Visitor v = new Visitor(2000 + i, false);
                conversationOf(v);
                stuck.add(v);
                sockets.add(neverReads(v, null));
            }
            java.util.concurrent.ExecutorService agents = java.util.concurrent.Executors.newFixedThreadPool(4);
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            java.util.Map<Visitor, Integer> replies = new java.util.HashMap<>();
            for (Visitor v : stuck) {
                int count = v.index - 2000 < FLOODED ? FLOOD_REPLIES : REPLIES_TO_STUCK;
                String filler = "慢".repeat(v.index - 2000 < FLOODED ? 9000 : 1000);
                replies.put(v, count);
                // one thread per visitor's replies, so that they are written in the order of their numbers
                sent.add(agents.submit(() -> {
                    for (int n = 0; n < count; n++) {
                        Answer a = post("/switchboard/api/conversations/" + v.conversationId + "/replies",
                                "{\"text\":\"stuck-" + v.index + "-" + n + " " + filler + "\",\"replyId\":\"" + UUID.randomUUID() + "\"}",
                                server.basicAuth());
                        assertEquals(201, a.status, a.body);
                    }
                }));
            }
            for (java.util.concurrent.Future<?> f : sent) {
                f.get(300, TimeUnit.SECONDS);
            }
            agents.shutdown();
            // the last replies are stored and handed to the streams
            Thread.sleep(2000);

            List<Double> after = replyTimes(healthy, conversation, 100);
            double slowerBy = median(after) - median(before);
            System.out.printf("UnderLoadIT: another visitor's reply reached its stream in %.1f ms (median of %d) beside %d "
                    + "streams that never read (%d of them sent %d replies of 27 KB), %.1f ms before them%n",
                    median(after), after.size(), STUCK_READERS, FLOODED, FLOOD_REPLIES, median(before));
            assertTrue(slowerBy <= 100, "replies were " + slowerBy + " ms slower beside streams that never read: before "
                    + before + ", after " + after);

            for (int i = 0; i < STUCK_READERS; i++) {
                Visitor v = stuck.get(i);
                List<String> expected = new ArrayList<>();
                for (int n = 0; n < replies.get(v); n++) {
                    expected.add("stuck-" + v.index + "-" + n);
                }
                assertEquals(expected, readAll(sockets.get(i), v, expected.size()),
                        "stuck visitor " + i + " has every reply once and in order once it reads");
            }
        } finally {
            for (java.net.Socket s : sockets) {
                s.close();
            }
            listening = false;
            stream.interrupt();
        }
    }

    static final int STUCK_READERS = 50;
    static final int REPLIES_TO_STUCK = 4;
    static final int FLOODED = 3;
    static final int FLOOD_REPLIES = 130;

    /** The visitor says hello and the agent's view has the conversation. */
    static String conversationOf(Visitor v) {
        Answer a = post("/switchboard/api/webchat/messages", "{\"visitorId\":\"" + v.id + "\",\"text\":\"hello\",\"clientMessageId\":\"c0\"}", null);
        assertEquals(202, a.status, a.body);
        Matcher m = Pattern.compile("\"conversationId\":\"([^\"]+)\"").matcher(a.body);
        assertTrue(m.find(), a.body);
        v.conversationId = m.group(1);
        Api.await("conversation " + v.conversationId + " stored", Duration.ofSeconds(30), v::visible);
        return v.conversationId;
    }

    /** Seven replies one after the other: from the start of each POST until the visitor's stream has it, in ms. */
    static List<Double> replyTimes(Visitor v, String conversation, int from) {
        List<Double> times = new ArrayList<>();
        for (int i = from; i < from + 7; i++) {
            String text = "reply-" + v.index + "-" + i; // as the stream's reader recognises a reply
            long start = System.nanoTime();
            Answer a = post("/switchboard/api/conversations/" + conversation + "/replies",
                    "{\"text\":\"" + text + "\",\"replyId\":\"" + UUID.randomUUID() + "\"}", server.basicAuth());
            assertEquals(201, a.status, a.body);
            Api.await("reply " + text + " on the stream", Duration.ofSeconds(30), () -> v.heard.contains(text));
            times.add((System.nanoTime() - start) / 1e6);
        }
        return times;
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    /** Opens the visitor's stream with a receive window of a few kilobytes and reads nothing from it. */
    static java.net.Socket neverReads(Visitor v, String lastEventId) throws IOException {
        java.net.Socket socket = new java.net.Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", server.httpPort()), 5000);
        socket.getOutputStream().write(("GET /switchboard/api/webchat/stream?visitorId=" + v.id + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + (lastEventId == null ? "" : "Last-Event-ID: " + lastEventId + "\r\n")
                + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    /**
     * Reads a stuck stream at last, until it has {@code count} replies; when the server cut it off
     * meanwhile, reconnects from the last event id it had, as the widget does.
     */
    static List<String> readAll(java.net.Socket socket, Visitor v, int count) throws IOException {
        Pattern event = Pattern.compile("id: ([0-9]+)\nevent: message\ndata: [^\n]*?\"text\":\"(stuck-[0-9]+-[0-9]+) ");
        List<String> found = new ArrayList<>();
        String lastId = null;
        for (int connection = 0; connection < 10 && found.size() < count; connection++) {
            java.net.Socket s = connection == 0 ? socket : neverReads(v, lastId);
            s.setSoTimeout(30_000);
            java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buffer = new byte[65536];
            List<String> here = new ArrayList<>();
            int n = 0;
            while (here.size() + found.size() < count && (n = in.read(buffer)) > 0) {
                raw.write(buffer, 0, n);
                here.clear();
                // chunk sizes count bytes: one char a byte; what is looked for is ASCII
                Matcher m = event.matcher(body(raw.toString(StandardCharsets.ISO_8859_1)));
                while (m.find()) {
                    here.add(m.group(2));
                    lastId = m.group(1);
                }
            }
            found.addAll(here);
            if (s != socket) {
                s.close();
            }
        }
        return found;
    }

    /** The body of a chunked HTTP response, as far as it has come. */
    static String body(String response) {
        int at = response.indexOf("\r\n\r\n");
        if (at < 0) {
            return "";
        }
        at += 4;
        StringBuilder body = new StringBuilder();
        while (true) {
            int lineEnd = response.indexOf("\r\n", at);
            if (lineEnd < 0) {
                return body.toString();
            }
            int size = Integer.parseInt(response.substring(at, lineEnd).split(";")[0].strip(), 16);
            int start = lineEnd + 2;
            if (size == 0 || start + size > response.length()) {
                return body.toString();
            }
            body.append(response, start, start + size);
            at = start + size + 2;
        }
    }

    static java.util.Map<String, Long> summary(List<String> answers) {
        synchronized (answers) {
            return answers.stream().map(a -> a.replaceAll("(visitor|stream) [0-9]+", "$1 n").replaceAll("[0-9a-f-]{36}", "…"))
                    .map(a -> a.substring(0, Math.min(a.length(), 140)))
                    .collect(java.util.stream.Collectors.groupingBy(a -> a, java.util.TreeMap::new, java.util.stream.Collectors.counting()));
        }
    }

    static Thread start(String name, Runnable work) {
        Thread t = new Thread(work, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** One agent replying round the listening visitors, each reply retried with its reply id until 201. */
    static void reply(List<Visitor> to) {
        long interval = (long) (1e9 / REPLY_RATE);
        long next = System.nanoTime();
        for (int n = 0; posting; n++) {
            Visitor v = to.get(n % to.size());
            String conversation = v.conversationId;
            // an agent answers what they see: not a conversation whose first message is still on its way
            if (conversation == null || !v.seen && !(v.seen = v.visible())) {
                next = pace(next, interval);
                continue;
            }
            String text = "reply-" + v.index + "-" + n;
            String body = "{\"text\":\"" + text + "\",\"replyId\":\"" + UUID.nameUUIDFromBytes(text.getBytes(StandardCharsets.UTF_8)) + "\"}";
            while (true) {
                Answer a = post("/switchboard/api/conversations/" + conversation + "/replies", body, server.basicAuth());
                if (a.status == 201) {
                    settled(a);
                    v.replied.add(text);
                    break;
                }
                settle(a, "reply");
            }
            next = pace(next, interval);
        }
    }

    static void settled(Answer a) {
        answers.computeIfAbsent(a.status, k -> new java.util.concurrent.atomic.LongAdder()).increment();
    }

    /** Waits out an answer that is not yet a yes, as long as a 503 asks; keeps what no answer may ever be. */
    static void settle(Answer a, String what) {
        answers.computeIfAbsent(a.status, k -> new java.util.concurrent.atomic.LongAdder()).increment();
        if (a.status != 0 && a.status != 503) {
            wrongAnswers.add("round " + round + ", " + what + ": " + a.status + " " + a.body);
        }
        sleep(a.status == 503 ? 1000L * a.retryAfter : 100);
    }

    static long pace(long next, long interval) {
        next += interval;
        long wait = next - System.nanoTime();
        if (wait > 0) {
            sleep(wait / 1_000_000);
        }
        return next;
    }

    /** 0: no answer (refused, reset or timed out). */
    record Answer(int status, String body, int retryAfter) {
        Answer(int status, String body) {
            this(status, body, 0);
        }
    }

    /** How often each status was answered, for the figures printed. */
    static final java.util.Map<Integer, java.util.concurrent.atomic.LongAdder> answers = new java.util.concurrent.ConcurrentSkipListMap<>();

    static Answer post(String path, String json, String authorization) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
                    .timeout(Duration.ofSeconds(15)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
            if (authorization != null) {
                b.header("Authorization", authorization);
            }
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            int retryAfter = r.headers().firstValue("Retry-After").filter(v -> v.matches("[0-9]{1,3}")).map(Integer::parseInt).orElse(1);
            return new Answer(r.statusCode(), r.body(), retryAfter);
        } catch (IOException e) {
            // refused while the server is down, reset by the kill, or no answer in time: unknown, so resent
            return new Answer(0, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(0, "interrupted");
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static final class Visitor {
        final int index;
        final boolean listens;
        final String id = "kill-" + UUID.randomUUID().toString().replace("-", "");
        /** Texts in the order their 202s came. */
        final List<String> accepted = Collections.synchronizedList(new ArrayList<>());
        /** Reply texts that got a 201, and what the visitor's stream delivered, in order. */
        final List<String> replied = Collections.synchronizedList(new ArrayList<>());
        final List<String> heard = Collections.synchronizedList(new ArrayList<>());
        volatile String conversationId;
        /** Whether the agent has seen the conversation yet. */
        boolean seen;

        Visitor(int index, boolean listens) {
            this.index = index;
            this.listens = listens;
        }

        /** One message after the other at this visitor's share of the rate; a message is resent until it gets its 202. */
        void post() {
            long interval = (long) (1e9 * VISITORS / RATE);
            long next = System.nanoTime() + (long) (Math.random() * interval);
            for (int seq = 0; posting; seq++) {
                String text = "m" + seq;
                String body = "{\"visitorId\":\"" + id + "\",\"text\":\"" + text + "\",\"clientMessageId\":\"c" + seq + "\"}";
                while (true) {
                    Answer a = UnderLoadIT.post("/switchboard/api/webchat/messages", body, null);
                    if (a.status == 202) {
                        settled(a);
                        accepted.add(text);
                        if (conversationId == null) {
                            Matcher m = Pattern.compile("\"conversationId\":\"([^\"]+)\"").matcher(a.body);
                            conversationId = m.find() ? m.group(1) : null;
                        }
                        break;
                    }
                    settle(a, "visitor " + index);
                }
                next = pace(next, interval);
            }
        }

        /** The visitor's stream, opened again after every break with the last event id it saw. */
        void listen() {
            String last = null;
            while (listening) {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort()
                        + "/switchboard/api/webchat/stream?visitorId=" + id)).header("Accept", "text/event-stream");
                if (last != null) {
                    b.header("Last-Event-ID", last);
                }
                try {
                    HttpResponse<InputStream> r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
                    if (r.statusCode() != 200) {
                        String answer;
                        try (InputStream body = r.body()) {
                            answer = new String(body.readNBytes(300), StandardCharsets.UTF_8);
                        }
                        if (r.statusCode() != 503) {
                            wrongAnswers.add("round " + round + ", stream " + index + ": " + r.statusCode() + " " + answer);
                        }
                        sleep(250);
                        continue;
                    }
                    try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                        String line;
                        while (listening && (line = in.readLine()) != null) {
                            if (line.startsWith("id:")) {
                                last = line.substring(3).strip();
                            } else if (line.startsWith("data:")) {
                                Matcher m = REPLY.matcher(line);
                                if (m.find()) {
                                    heard.add(m.group(1));
                                }
                            }
                        }
                    }
                } catch (IOException e) {
                    sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** Whether the agent's view has the conversation yet; no, while the server is down. */
        boolean visible() {
            try {
                return !stored().isEmpty();
            } catch (RuntimeException e) {
                return false;
            }
        }

        /** What this visitor wrote, as the agent's view of the conversation has it, oldest first. */
        List<String> stored() {
            if (conversationId == null) {
                return List.of();
            }
            Http.Reply r = http.asAdmin("/switchboard/api/conversations/" + conversationId + "/messages?limit=100000");
            if (r.status() == 404) {
                return List.of();
            }
            assertEquals(200, r.status(), r.body());
            // the agent's view of a conversation shows at most 1,000 messages: a full one may be cut
            assertTrue(r.array().size() < 1000, "visitor " + index + "'s conversation is too long to see whole; lower switchboard.kill.rate");
            List<String> texts = new ArrayList<>();
            for (JsonValue m : r.array()) {
                if (m.asJsonObject().getString("direction").equals("INBOUND")) {
                    texts.add(m.asJsonObject().getJsonArray("parts").getJsonObject(0).getString("text"));
                }
            }
            return texts;
        }
    }
}
