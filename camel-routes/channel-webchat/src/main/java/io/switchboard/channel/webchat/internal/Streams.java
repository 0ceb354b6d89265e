package io.switchboard.channel.webchat.internal;

import io.switchboard.rest.EventStream;
import io.switchboard.store.Store;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The visitors' open event streams. Everything sent comes from the delivery table, never from the
 * bus message in hand, so a stream that opens late, reconnects or was cut off for reading too slowly
 * gets the same events in order. The catch-up threads only read the table: writing never blocks
 * ({@link EventStream}), so one visitor's slow connection holds up nobody else's replies.
 */
final class Streams implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Streams.class);
    static final int REPLAY_LIMIT = 200;

    private final Store store;
    private final EventStream.Limits limits;
    private final Map<String, Set<Subscriber>> byVisitor = new ConcurrentHashMap<>();
    private final ExecutorService catchUps = Executors.newFixedThreadPool(2, r -> daemon(r, "webchat-sse-catch-up"));
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "webchat-sse-heartbeat"));

    Streams(Store store, int heartbeatSeconds, EventStream.Limits limits) {
        this.store = store;
        this.limits = limits;
        heartbeat.scheduleAtFixedRate(this::ping, heartbeatSeconds, heartbeatSeconds, TimeUnit.SECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Answers the request with the visitor's stream, starting after {@code lastEventId}. */
    void open(String visitorId, HttpServletRequest request, HttpServletResponse response, long lastEventId) throws IOException {
        Subscriber subscriber = new Subscriber(visitorId, lastEventId);
        subscriber.stream = EventStream.open(request, response, limits, subscriber);
        byVisitor.computeIfAbsent(visitorId, k -> ConcurrentHashMap.newKeySet()).add(subscriber);
        if (!subscriber.stream.isOpen()) {
            subscriber.closed(subscriber.stream); // it ended before it was listed
            return;
        }
        subscriber.stream.send(": connected\n\n");
        subscriber.wake();
    }

    /** Called after a delivery to {@code visitorId} is committed. */
    void delivered(String visitorId) {
        Set<Subscriber> subscribers = byVisitor.get(visitorId);
        if (subscribers != null) {
            subscribers.forEach(Subscriber::wake);
        }
    }

    int openStreams() {
        return byVisitor.values().stream().mapToInt(Set::size).sum();
    }

    /** Keeps proxies from closing idle streams, and finds readers that stopped reading. */
    private void ping() {
        byVisitor.values().forEach(set -> set.forEach(s -> s.stream.send(": ping\n\n")));
    }

    @Override
    public void close() {
        heartbeat.shutdownNow();
        catchUps.shutdownNow();
        byVisitor.values().forEach(set -> set.forEach(s -> s.stream.close()));
        byVisitor.clear();
    }

    final class Subscriber implements EventStream.Listener {
        final String visitorId;
        private volatile EventStream stream;
        private long lastSeq;
        /** The last catch-up left deliveries in the table, to be sent once the reader takes what it has. */
        private volatile boolean behind;

        Subscriber(String visitorId, long lastSeq) {
            this.visitorId = visitorId;
            this.lastSeq = lastSeq;
        }

        void wake() {
            try {
                catchUps.execute(this::catchUp);
            } catch (RejectedExecutionException stopping) {
                stream.close();
            }
        }

        /** Sends what the visitor has not had, but never more than half the stream's buffer at once. */
        synchronized void catchUp() {
            if (!stream.isOpen()) {
                return;
            }
            try {
                List<Deliveries.Delivery> missed = store.inTransaction(s -> Deliveries.after(s, visitorId, lastSeq, REPLAY_LIMIT));
                boolean heldBack = missed.size() == REPLAY_LIMIT;
                for (Deliveries.Delivery d : missed) {
                    if (stream.pendingBytes() > limits.maxPendingBytes() / 2) {
                        heldBack = true;
                        break;
                    }
                    if (!stream.send("id: " + d.seq() + "\nevent: message\ndata: " + d.body() + "\n\n")) {
                        return;
                    }
                    lastSeq = d.seq();
                }
                behind = heldBack;
                if (heldBack && stream.pendingBytes() == 0) {
                    wake();
                }
            } catch (RuntimeException e) {
                LOG.warn("stream of a visitor could not catch up: {}", e.getMessage());
            }
        }

        @Override
        public void drained(EventStream s) {
            if (behind) {
                wake();
            }
        }

        @Override
        public void closed(EventStream s) {
            if (s.end() == EventStream.End.TOO_FAR_BEHIND || s.end() == EventStream.End.STALLED) {
                LOG.info("a visitor's stream was cut off ({}); the widget reconnects and resumes", s.end());
            }
            byVisitor.computeIfPresent(visitorId, (k, set) -> {
                set.remove(this);
                return set.isEmpty() ? null : set;
            });
        }
    }
}
