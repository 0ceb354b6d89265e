package io.switchboard.app.client;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A device's chat with the contact centre over Switchboard's in-app channel.
 *
 * <pre>{@code
 * AppClient chat = AppClient.builder(URI.create("wss://cs.example.com/switchboard/app/socket"),
 *         () -> myBackend.fetchDeviceToken(), reply -> show(reply.text())).build();
 * chat.start();
 * chat.send("你好 📦");   // queued, sent in order, resent after reconnects until acknowledged
 * }</pre>
 *
 * <p>Every message the app sends gets an id; it is sent again after a reconnect until the server
 * acknowledges it (the server keeps one message per id), and the next one goes only after that, so
 * the agent sees them in order. Replies come numbered; the client hands each number to the app
 * once, in order, acknowledges it, and on reconnect asks for what follows the last one. Everything
 * runs on one thread of the client's own; the listener is called on it.
 */
public final class AppClient implements AutoCloseable {

    /** What the app hears. Only {@link #reply} is required. */
    public interface Listener {
        void reply(Reply reply);

        /** The server has the message durably (it will reach the agents); {@code messageId} is its id there. */
        default void accepted(String clientMessageId, String messageId) {
        }

        /** The server refused the message for good (400 malformed, 413 too long); it is not resent. */
        default void refused(String clientMessageId, int status, String detail) {
        }

        /** Connected (true, after the server's hello) or lost (false, with why); the client reconnects by itself. */
        default void connection(boolean up, String why) {
        }
    }

    public static final class Builder {
        private final URI socket;
        private final Supplier<String> token;
        private final Listener listener;
        private Transport transport;
        private ClientState state = ClientState.inMemory();
        private int pingSeconds;
        private long pongTimeoutMillis = 15_000;
        private long maxBackoffMillis = 30_000;

        private Builder(URI socket, Supplier<String> token, Listener listener) {
            this.socket = socket;
            this.token = token;
            this.listener = listener;
        }

        /** Default: {@link JdkTransport}; on Android an OkHttp one. */
        public Builder transport(Transport transport) {
            this.transport = transport;
            return this;
        }

        public Builder state(ClientState state) {
            this.state = state;
            return this;
        }

        /** Heartbeat interval to propose (the server decides, within its bounds); 0: the server's default. */
        public Builder pingSeconds(int seconds) {
            this.pingSeconds = seconds;
            return this;
        }

        /** A ping not answered within this is a dead connection: the client reconnects. */
        public Builder pongTimeoutMillis(long millis) {
            this.pongTimeoutMillis = millis;
            return this;
        }

        public Builder maxBackoffMillis(long millis) {
            this.maxBackoffMillis = millis;
            return this;
        }

        public AppClient build() {
            return new AppClient(this);
        }
    }

    /**
     * @param socket the channel's socket, {@code wss://<host>/switchboard/app/socket}
     * @param token  a fresh device token from the app's backend; asked again at every connect, so
     *               it may renew an expiring one
     */
    public static Builder builder(URI socket, Supplier<String> token, Listener listener) {
        return new Builder(socket, token, listener);
    }

    private final URI socket;
    private final Supplier<String> token;
    private final Listener listener;
    private final Transport transport;
    private final ClientState state;
    private final int proposedPing;
    private final long pongTimeoutMillis;
    private final long maxBackoffMillis;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "switchboard-app-client");
        t.setDaemon(true);
        return t;
    });
    /** Fetching a token may block (a call to the app's backend): never on the loop. */
    private final ExecutorService tokens = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "switchboard-app-token");
        t.setDaemon(true);
        return t;
    });

    // all below: the loop thread only
    private Transport.Connection connection;
    private int generation;
    private boolean welcomed;
    private boolean running;
    private String inFlight;
    private long backoffMillis;
    private int pingSeconds;
    private ScheduledFuture<?> heartbeat;
    private ScheduledFuture<?> pongDeadline;
    private ScheduledFuture<?> retry;
    private volatile boolean up;

    private AppClient(Builder b) {
        this.socket = b.socket;
        this.token = b.token;
        this.listener = b.listener;
        this.transport = b.transport != null ? b.transport : new JdkTransport();
        this.state = b.state;
        this.proposedPing = b.pingSeconds;
        this.pongTimeoutMillis = b.pongTimeoutMillis;
        this.maxBackoffMillis = b.maxBackoffMillis;
    }

    /** Connects, and keeps connecting until {@link #close()}. */
    public void start() {
        loop.execute(() -> {
            if (!running) {
                running = true;
                connect();
            }
        });
    }

    /**
     * Queues {@code text} for the agents; returns its client message id at once. It is sent when
     * connected, in order after those before it, and resent until acknowledged.
     */
    public String send(String text) {
        String id = UUID.randomUUID().toString();
        loop.execute(() -> {
            state.add(new ClientState.Outgoing(id, text));
            pump();
        });
        return id;
    }

    /** Whether the server's hello has come on the current connection. */
    public boolean connected() {
        return up;
    }

    /** The interval the server chose, in seconds (0 before the first hello). */
    public int pingSeconds() {
        return pingSeconds;
    }

    /** Drops the current connection as a network would; the client reconnects (for tests and for "network changed"). */
    public void reconnect() {
        loop.execute(() -> lost(generation, "reconnect asked"));
    }

    @Override
    public void close() {
        loop.execute(() -> {
            running = false;
            generation++;
            if (connection != null) {
                connection.close();
                connection = null;
            }
            up = false;
        });
        loop.shutdown();
        tokens.shutdownNow();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void connect() {
        int gen = ++generation;
        tokens.execute(() -> {
            String t;
            try {
                t = token.get();
            } catch (RuntimeException e) {
                loop.execute(() -> lost(gen, "no token: " + e.getMessage()));
                return;
            }
            loop.execute(() -> open(gen, t));
        });
    }

    private void open(int gen, String t) {
        if (gen != generation || !running) {
            return;
        }
        StringBuilder uri = new StringBuilder(socket.toString());
        uri.append(uri.indexOf("?") < 0 ? '?' : '&').append("access_token=").append(URLEncoder.encode(t, StandardCharsets.UTF_8))
                .append("&since=").append(state.lastSeq());
        if (proposedPing > 0) {
            uri.append("&ping=").append(proposedPing);
        }
        connection = transport.open(URI.create(uri.toString()), new Transport.Events() {
            @Override
            public void opened() {
            }

            @Override
            public void text(String frame) {
                loop.execute(() -> received(gen, frame));
            }

            @Override
            public void pong() {
                loop.execute(() -> {
                    if (gen == generation && pongDeadline != null) {
                        pongDeadline.cancel(false);
                        pongDeadline = null;
                    }
                });
            }

            @Override
            public void closed(int code, String reason) {
                loop.execute(() -> lost(gen, "closed " + code + (reason == null || reason.isEmpty() ? "" : " " + reason)));
            }

            @Override
            public void failed(Throwable error, int httpStatus) {
                loop.execute(() -> lost(gen, httpStatus > 0 ? "refused with HTTP " + httpStatus : String.valueOf(error)));
            }
        });
    }

    private void received(int gen, String text) {
        if (gen != generation) {
            return;
        }
        if ("q".equals(text)) {
            if (pongDeadline != null) {
                pongDeadline.cancel(false);
                pongDeadline = null;
            }
            return;
        }
        Frame frame;
        try {
            frame = Frame.parse(text);
        } catch (RuntimeException e) {
            return; // a frame from a newer server we do not know: ignored
        }
        String type = frame.type();
        if ("hi".equals(type)) {
            welcomed = true;
            up = true;
            backoffMillis = 0;
            pingSeconds = (int) frame.number("ping", 270);
            scheduleHeartbeat(gen);
            listener.connection(true, "connected");
            pump();
        } else if ("msg".equals(type)) {
            long seq = frame.number("seq", -1);
            long last = state.lastSeq();
            if (seq <= last) {
                send(gen, "{\"t\":\"ack\",\"seq\":" + last + "}"); // a replay of what we have: only re-acknowledged
            } else if (seq == last + 1) {
                state.lastSeq(seq);
                try {
                    listener.reply(new Reply(seq, frame.string("id"), frame.string("time"), frame.string("agent"), frame.string("text")));
                } finally {
                    send(gen, "{\"t\":\"ack\",\"seq\":" + seq + "}");
                }
            } else {
                // a gap cannot happen on one connection; if it does, start again from what we have
                lost(gen, "gap: expected " + (last + 1) + ", got " + seq);
            }
        } else if ("ack".equals(type)) {
            String id = frame.string("id");
            if (id != null && id.equals(inFlight)) {
                inFlight = null;
                state.remove(id);
                listener.accepted(id, frame.string("mid"));
                pump();
            }
        } else if ("err".equals(type)) {
            String id = frame.string("id");
            int status = (int) frame.number("status", 400);
            if (id != null && id.equals(inFlight)) {
                if (status == 429 || status == 503) {
                    long after = Math.max(1, frame.number("retryAfter", 1));
                    retry = loop.schedule(() -> {
                        if (gen == generation && id.equals(inFlight)) {
                            inFlight = null;
                            pump();
                        }
                    }, after, TimeUnit.SECONDS);
                } else {
                    inFlight = null;
                    state.remove(id);
                    listener.refused(id, status, frame.string("detail"));
                    pump();
                }
            }
        }
    }

    /** Sends the oldest unacknowledged message, if none is in flight. */
    private void pump() {
        if (!welcomed || inFlight != null || connection == null) {
            return;
        }
        List<ClientState.Outgoing> outbox = state.outbox();
        if (outbox.isEmpty()) {
            return;
        }
        ClientState.Outgoing next = outbox.get(0);
        inFlight = next.id;
        send(generation, "{\"t\":\"msg\",\"id\":" + Frame.quote(next.id) + ",\"text\":" + Frame.quote(next.text) + "}");
    }

    private void send(int gen, String frame) {
        if (gen == generation && connection != null) {
            connection.sendText(frame);
        }
    }

    private void scheduleHeartbeat(int gen) {
        cancelTimers();
        heartbeat = loop.scheduleAtFixedRate(() -> {
            if (gen != generation || connection == null) {
                return;
            }
            connection.ping();
            if (pongDeadline == null) {
                pongDeadline = loop.schedule(() -> lost(gen, "no pong within " + pongTimeoutMillis + " ms"),
                        pongTimeoutMillis, TimeUnit.MILLISECONDS);
            }
        }, pingSeconds, pingSeconds, TimeUnit.SECONDS);
    }

    private void cancelTimers() {
        for (ScheduledFuture<?> f : new ScheduledFuture<?>[] {heartbeat, pongDeadline, retry}) {
            if (f != null) {
                f.cancel(false);
            }
        }
        heartbeat = null;
        pongDeadline = null;
        retry = null;
    }

    /** The connection of {@code gen} is gone: forget it and try again after a growing, jittered pause. */
    private void lost(int gen, String why) {
        if (gen != generation) {
            return;
        }
        generation++;
        cancelTimers();
        if (connection != null) {
            connection.close();
            connection = null;
        }
        welcomed = false;
        inFlight = null; // resent after the next hello; the server keeps one message per id
        if (up) {
            up = false;
        }
        listener.connection(false, why);
        if (!running) {
            return;
        }
        backoffMillis = backoffMillis == 0 ? 100 : Math.min(maxBackoffMillis, backoffMillis * 2);
        long pause = backoffMillis / 2 + ThreadLocalRandom.current().nextLong(backoffMillis / 2 + 1);
        loop.schedule(this::connect, pause, TimeUnit.MILLISECONDS);
    }
}
