package io.switchboard.channel.webchat.internal;

import io.switchboard.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.servlet.AsyncContext;
import javax.servlet.ServletOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The visitors' open event streams. Everything sent comes from the delivery table, never from the
 * bus message in hand, so a stream that opens late or reconnects gets the same events in order.
 */
final class Streams implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Streams.class);
    static final int REPLAY_LIMIT = 200;

    private final Store store;
    private final Map<String, Set<Subscriber>> byVisitor = new ConcurrentHashMap<>();
    private final ExecutorService pushes = Executors.newFixedThreadPool(2, r -> new Thread(r, "webchat-sse-push"));
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "webchat-sse-heartbeat"));

    Streams(Store store, int heartbeatSeconds) {
        this.store = store;
        heartbeat.scheduleAtFixedRate(this::ping, heartbeatSeconds, heartbeatSeconds, TimeUnit.SECONDS);
    }

    void open(String visitorId, AsyncContext async, long lastEventId) {
        Subscriber subscriber = new Subscriber(visitorId, async, lastEventId);
        byVisitor.computeIfAbsent(visitorId, k -> ConcurrentHashMap.newKeySet()).add(subscriber);
        subscriber.write(": connected\n\n");
        pushes.execute(subscriber::catchUp);
    }

    /** Called after a delivery to {@code visitorId} is committed. */
    void delivered(String visitorId) {
        Set<Subscriber> subscribers = byVisitor.get(visitorId);
        if (subscribers != null) {
            for (Subscriber s : subscribers) {
                pushes.execute(s::catchUp);
            }
        }
    }

    int openStreams() {
        return byVisitor.values().stream().mapToInt(Set::size).sum();
    }

    private void ping() {
        byVisitor.values().forEach(set -> set.forEach(s -> s.write(": ping\n\n")));
    }

    void closed(Subscriber subscriber) {
        byVisitor.computeIfPresent(subscriber.visitorId, (k, set) -> {
            set.remove(subscriber);
            return set.isEmpty() ? null : set;
        });
    }

    @Override
    public void close() {
        heartbeat.shutdownNow();
        pushes.shutdownNow();
        byVisitor.values().forEach(set -> set.forEach(s -> s.complete()));
        byVisitor.clear();
    }

    final class Subscriber {
        final String visitorId;
        private final AsyncContext async;
        private long lastSeq;
        private boolean done;

        Subscriber(String visitorId, AsyncContext async, long lastSeq) {
            this.visitorId = visitorId;
            this.async = async;
            this.lastSeq = lastSeq;
        }

        synchronized void catchUp() {
            if (done) {
                return;
            }
            try {
                List<Deliveries.Delivery> missed = store.inTransaction(s -> Deliveries.after(s, visitorId, lastSeq, REPLAY_LIMIT));
                for (Deliveries.Delivery d : missed) {
                    if (!write("id: " + d.seq() + "\nevent: message\ndata: " + d.body() + "\n\n")) {
                        return;
                    }
                    lastSeq = d.seq();
                }
            } catch (RuntimeException e) {
                LOG.warn("stream of visitor {} could not catch up: {}", visitorId, e.getMessage());
            }
        }

        /** @return false when the client is gone (the subscriber is then dropped) */
        synchronized boolean write(String event) {
            if (done) {
                return false;
            }
            try {
                ServletOutputStream out = async.getResponse().getOutputStream();
                out.write(event.getBytes(StandardCharsets.UTF_8));
                out.flush();
                return true;
            } catch (IOException | IllegalStateException e) {
                complete();
                return false;
            }
        }

        synchronized void complete() {
            if (!done) {
                done = true;
                closed(this);
                try {
                    async.complete();
                } catch (IllegalStateException alreadyDone) {
                    // the container completed it first (timeout or client gone)
                }
            }
        }
    }
}
