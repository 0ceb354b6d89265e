package io.switchboard.app.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/** The JVM's own WebSocket client ({@code java.net.http}, Java 11+). Not for Android. */
public final class JdkTransport implements Transport {

    private final HttpClient http;

    public JdkTransport() {
        this(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
    }

    public JdkTransport(HttpClient http) {
        this.http = http;
    }

    @Override
    public Connection open(URI uri, Events events) {
        Link link = new Link(events);
        http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).buildAsync(uri, link)
                .whenComplete((ws, error) -> {
                    if (error != null) {
                        Throwable cause = error.getCause() != null ? error.getCause() : error;
                        int status = cause instanceof WebSocketHandshakeException
                                ? ((WebSocketHandshakeException) cause).getResponse().statusCode() : 0;
                        link.fail(cause, status);
                    } else {
                        link.ready(ws);
                    }
                });
        return link;
    }

    private static final class Link implements Connection, WebSocket.Listener {
        private final Events events;
        private final StringBuilder partial = new StringBuilder();
        private final AtomicBoolean ended = new AtomicBoolean();
        /** java.net.http allows one outstanding send: every frame waits for the one before. */
        private CompletableFuture<?> tail = new CompletableFuture<>();
        private volatile WebSocket ws;

        Link(Events events) {
            this.events = events;
        }

        void ready(WebSocket socket) {
            ws = socket;
            synchronized (this) {
                tail.complete(null);
            }
            // opened() was already called by onOpen
        }

        void fail(Throwable error, int status) {
            if (ended.compareAndSet(false, true)) {
                events.failed(error, status);
            }
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            ws = webSocket;
            events.opened();
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String frame = partial.toString();
                partial.setLength(0);
                events.text(frame);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            events.pong();
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            if (ended.compareAndSet(false, true)) {
                events.closed(statusCode, reason);
            }
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            fail(error, 0);
        }

        @Override
        public synchronized void sendText(String text) {
            tail = tail.thenCompose(x -> ws.sendText(text, true)).exceptionally(e -> {
                fail(e, 0);
                return null;
            });
        }

        @Override
        public synchronized void ping() {
            tail = tail.thenCompose(x -> ws.sendPing(ByteBuffer.allocate(0))).exceptionally(e -> {
                fail(e, 0);
                return null;
            });
        }

        @Override
        public void close() {
            WebSocket socket = ws;
            if (socket != null) {
                socket.abort();
            }
            fail(new java.io.IOException("closed by the client"), 0);
        }
    }
}
