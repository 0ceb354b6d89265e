package io.switchboard.benchmarks;

import io.switchboard.testkit.TestServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * The agents' leg: replies POSTed open loop to conversations the agents have taken, each timed from its
 * intended send time until the visitor's event stream (SSE) delivers the frame that carries it. That
 * is the whole way back: the reply stored, put on {@code sb.outbound.webchat}, recorded as a delivery
 * by the web chat channel and pushed to the open stream.
 */
final class AgentReplies implements AutoCloseable {

    /** A conversation an agent holds, with the visitor's stream open. */
    private record Held(String conversationId, String visitorId, String agent) {
    }

    private final TestServer server;
    private final ServerJvm jvm;
    private final Map<String, String> agentPasswords;
    private final Map<String, String> tokens = new HashMap<>();
    private final String runTag = UUID.randomUUID().toString().substring(0, 8);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    /** Streams apart from the replies' connections: a long-lived response never holds a reply up. */
    private final HttpClient streams = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Window.Sent> pending = new ConcurrentHashMap<>();
    private final JsonReaderFactory json = Json.createReaderFactory(Map.of());
    private final List<Held> held = new ArrayList<>();
    private final List<Flow.Subscription> open = new java.util.concurrent.CopyOnWriteArrayList<>();
    private int windows;

    AgentReplies(TestServer server, ServerJvm jvm, Map<String, String> agentPasswords) {
        this.server = server;
        this.jvm = jvm;
        this.agentPasswords = agentPasswords;
    }

    /**
     * Gives each agent a profile and a desk login (a Bearer token, as the desk uses: no JAAS login per
     * request), then {@code conversations} visitors open their streams and ask for a human, and the
     * agents accept the queued conversations round robin.
     */
    void setUp(int conversations) throws Exception {
        for (Map.Entry<String, String> agent : agentPasswords.entrySet()) {
            expect(200, call("PUT", "/switchboard/api/agents/" + agent.getKey(), "{\"name\":\"" + agent.getKey()
                    + "\",\"skills\":{},\"capacity\":{\"webchat\":" + conversations + "},\"workplace\":\"CENTRE\"}", server.basicAuth()));
            JsonObject session = read(expect(201, call("POST", "/switchboard/api/sessions", "{\"user\":\"" + agent.getKey()
                    + "\",\"password\":\"" + agent.getValue() + "\"}", null)));
            tokens.put(agent.getKey(), "Bearer " + session.getString("token"));
        }
        CountDownLatch connected = new CountDownLatch(conversations);
        List<String> visitors = new ArrayList<>();
        for (int i = 0; i < conversations; i++) {
            String visitorId = "replies" + UUID.randomUUID().toString().replace("-", "");
            visitors.add(visitorId);
            openStream(visitorId, connected);
        }
        if (!connected.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("only " + (conversations - connected.getCount()) + " of " + conversations + " streams opened");
        }
        Map<String, String> visitorOf = new HashMap<>();
        for (String visitorId : visitors) {
            // the bot hands a request for a human straight to the queue
            JsonObject accepted = read(expect(202, call("POST", "/switchboard/api/webchat/messages", "{\"visitorId\":\"" + visitorId
                    + "\",\"text\":\"转人工\",\"clientMessageId\":\"setup\"}", null)));
            visitorOf.put(accepted.getString("conversationId"), visitorId);
        }
        awaitQueued(visitorOf.keySet());
        List<String> agents = List.copyOf(agentPasswords.keySet());
        int n = 0;
        for (Map.Entry<String, String> c : visitorOf.entrySet()) {
            String agent = accept(c.getKey(), agents.get(n++ % agents.size()));
            if (agent != null) {
                held.add(new Held(c.getKey(), c.getValue(), agent));
            }
        }
        if (held.isEmpty()) {
            throw new IllegalStateException("no conversation could be taken by an agent");
        }
        System.out.printf("replies: %d conversations held by %d agents, each visitor's stream open%n", held.size(), agents.size());
    }

    /** Waits (up to a minute) until the bot has handed them all to the queue, so accepting races nothing. */
    private void awaitQueued(Set<String> conversationIds) throws Exception {
        Set<String> waiting = new HashSet<>(conversationIds);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!waiting.isEmpty() && System.nanoTime() - deadline < 0) {
            HttpResponse<String> r = call("GET", "/switchboard/api/conversations?state=QUEUED&limit=1000", null, server.basicAuth());
            if (r.statusCode() == 200) {
                json.createReader(new StringReader(r.body())).readArray().stream()
                        .map(JsonValue::asJsonObject).forEach(c -> waiting.remove(c.getString("id")));
            }
            Thread.sleep(250);
        }
        if (!waiting.isEmpty()) {
            System.out.printf("replies: %d conversations not queued after a minute; the agents take them anyway%n", waiting.size());
        }
    }

    /** The agent who holds the conversation after the attempt, or null. */
    private String accept(String conversationId, String agent) throws Exception {
        for (int attempt = 0; attempt < 10; attempt++) {
            HttpResponse<String> r = call("POST", "/switchboard/api/conversations/" + conversationId + "/accept", null, tokens.get(agent));
            if (r.statusCode() == 200) {
                return agent;
            }
            HttpResponse<String> c = call("GET", "/switchboard/api/conversations/" + conversationId, null, server.basicAuth());
            if (c.statusCode() == 200) {
                // routing may have given it to another of the bench's agents meanwhile
                String holder = read(c).getString("assignedAgentId", null);
                if (holder != null && tokens.containsKey(holder)) {
                    return holder;
                }
            }
            Thread.sleep(300);
        }
        System.out.println("replies: conversation " + conversationId + " could not be accepted; left out");
        return null;
    }

    /** Offers {@code rate} replies a second, round robin over the held conversations. */
    Window offer(double rate, Duration warmup, Duration measure, Runnable beforeMeasure, Runnable afterMeasure)
            throws InterruptedException {
        Window window = new Window("reply", rate, warmup, measure, pending, jvm, null);
        String prefix = "r" + runTag + "-" + (windows++) + "-";
        return window.run((i, intended) -> reply(window, held.get((int) (i % held.size())), prefix + i, intended),
                beforeMeasure, afterMeasure);
    }

    private void reply(Window window, Held to, String replyId, long intended) {
        // the reply is stored under its replyId, and the visitor's frame carries the stored message
        window.sent(replyId, intended);
        String body = "{\"text\":\"您好，我马上帮您查询 🚚 " + replyId + "\",\"replyId\":\"" + replyId + "\"}";
        http.sendAsync(HttpRequest.newBuilder(server.url("/switchboard/api/conversations/" + to.conversationId() + "/replies"))
                        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                        .header("Authorization", tokens.get(to.agent()))
                        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.discarding())
                .whenComplete((r, e) -> {
                    if (e != null) {
                        window.failed(replyId, VisitorMessages.rootCause(e).getClass().getSimpleName());
                    } else if (r.statusCode() != 201) {
                        window.failed(replyId, "HTTP " + r.statusCode());
                    }
                });
    }

    /** The visitor's stream, read line by line as it arrives; each {@code data:} line is one frame. */
    private void openStream(String visitorId, CountDownLatch connected) {
        HttpRequest request = HttpRequest.newBuilder(server.url("/switchboard/api/webchat/stream?visitorId=" + visitorId))
                .header("Accept", "text/event-stream").GET().build();
        streams.sendAsync(request, HttpResponse.BodyHandlers.fromLineSubscriber(new Flow.Subscriber<String>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                open.add(subscription);
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(String line) {
                long now = System.nanoTime();
                if (line.startsWith(": connected")) {
                    connected.countDown();
                } else if (line.startsWith("data:")) {
                    try {
                        String id = json.createReader(new StringReader(line.substring(5))).readObject().getString("id", null);
                        if (id != null) {
                            Window.arrived(pending, id, now);
                        }
                    } catch (RuntimeException e) {
                        System.out.println("  unreadable frame on " + visitorId + ": " + e);
                    }
                }
            }

            @Override
            public void onError(Throwable e) {
                System.out.println("  stream of " + visitorId + " failed: " + e);
            }

            @Override
            public void onComplete() {
            }
        }));
    }

    private HttpResponse<String> call(String method, String path, String body, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.url(path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> expect(int status, HttpResponse<String> r) {
        if (r.statusCode() != status) {
            throw new IllegalStateException(r.request().method() + " " + r.uri() + ": expected " + status + ", got " + r.statusCode() + " " + r.body());
        }
        return r;
    }

    private JsonObject read(HttpResponse<String> r) {
        return json.createReader(new StringReader(r.body())).readObject();
    }

    @Override
    public void close() {
        open.forEach(Flow.Subscription::cancel);
    }
}
