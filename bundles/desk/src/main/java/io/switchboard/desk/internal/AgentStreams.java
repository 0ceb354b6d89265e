package io.switchboard.desk.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agents' open event streams. Events are written by a small pool, never by the bus consumer, so
 * a slow browser cannot hold up the route; each stream keeps its own order. A stream that falls
 * {@code maxPending} events behind is closed rather than buffered without end: the desk reconnects
 * and reloads what it shows, which is what it does after any gap.
 */
final class AgentStreams implements AutoCloseable {

    /** Where one stream's text goes: the servlet's response, or a test's list. */
    interface Sink {
        /** @return false when the client is gone */
        boolean write(String chunk);

        /** Ends the response; called once. */
        void close();
    }

    private static final Logger LOG = LoggerFactory.getLogger(AgentStreams.class);

    private final Set<Stream> open = ConcurrentHashMap.newKeySet();
    private final int maxPending;
    private final Clock clock;
    private final ExecutorService writers = Executors.newFixedThreadPool(2, r -> daemon(r, "desk-sse-write"));
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "desk-sse-heartbeat"));

    AgentStreams(int heartbeatSeconds, int maxPending, Clock clock) {
        this.maxPending = maxPending;
        this.clock = clock;
        heartbeat.scheduleAtFixedRate(this::beat, heartbeatSeconds, heartbeatSeconds, TimeUnit.SECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * @param expiresAt when the login behind the stream ends; the stream ends with it, and the desk's
     *                  reconnect is then refused, which sends the agent back to the login form
     */
    Stream open(String user, Instant expiresAt, Sink sink) {
        Stream stream = new Stream(user, expiresAt, sink);
        open.add(stream);
        // the browser waits this long before reconnecting after a cut
        stream.offer("retry: 3000\n: connected\n\n");
        return stream;
    }

    /** Hands one event to every open stream. */
    void publish(String type, String json) {
        String chunk = "event: " + type.replaceAll("[\\r\\n]", " ") + "\n"
                + "data: " + json.replace("\r", "").replace("\n", "\ndata: ") + "\n\n";
        open.forEach(s -> s.offer(chunk));
    }

    int openStreams() {
        return open.size();
    }

    /** Comments keep proxies from closing an idle stream; logins that ran out end here. */
    void beat() {
        Instant now = clock.instant();
        for (Stream s : open) {
            if (!s.expiresAt.isAfter(now)) {
                LOG.debug("stream of {} ends with its login", s.user);
                s.offer("event: session.expired\ndata: {}\n\n");
                s.closeAfterPending();
            } else {
                s.offer(": ping\n\n");
            }
        }
    }

    @Override
    public void close() {
        heartbeat.shutdownNow();
        writers.shutdownNow();
        open.forEach(Stream::close);
        open.clear();
    }

    final class Stream {
        final String user;
        final Instant expiresAt;
        private final Sink sink;
        private final Queue<String> pending = new ArrayDeque<>();
        private boolean draining;
        private boolean closing;
        private boolean closed;

        Stream(String user, Instant expiresAt, Sink sink) {
            this.user = user;
            this.expiresAt = expiresAt;
            this.sink = sink;
        }

        void offer(String chunk) {
            boolean overflow = false;
            synchronized (this) {
                if (closed || closing) {
                    return;
                }
                if (pending.size() >= maxPending) {
                    pending.clear();
                    closing = true;
                    overflow = true;
                    if (draining) {
                        return; // the writer closes it once its current write returns
                    }
                } else {
                    pending.add(chunk);
                    if (draining) {
                        return;
                    }
                    draining = true;
                }
            }
            if (overflow) {
                LOG.info("stream of {} is {} events behind; closing it (the desk reconnects and reloads)", user, maxPending);
                close();
                return;
            }
            try {
                writers.execute(this::drain);
            } catch (RejectedExecutionException shuttingDown) {
                close();
            }
        }

        synchronized void closeAfterPending() {
            closing = true;
            if (!draining) {
                close();
            }
        }

        private void drain() {
            while (true) {
                String chunk;
                synchronized (this) {
                    chunk = pending.poll();
                    if (chunk == null) {
                        draining = false;
                        if (closing) {
                            close();
                        }
                        return;
                    }
                }
                // outside the lock: a slow client must not block those who offer
                if (!sink.write(chunk)) {
                    close();
                    return;
                }
            }
        }

        /** Idempotent; the servlet also calls it when the container ends the request. */
        void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                pending.clear();
            }
            open.remove(this);
            try {
                sink.close();
            } catch (RuntimeException e) {
                LOG.debug("closing the stream of {}: {}", user, e.toString());
            }
        }
    }
}
