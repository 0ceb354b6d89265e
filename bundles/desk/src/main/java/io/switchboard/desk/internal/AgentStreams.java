package io.switchboard.desk.internal;

import io.switchboard.api.Roles;
import io.switchboard.api.Staff;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agents' open event streams. Sending never blocks ({@link io.switchboard.rest.EventStream}), so
 * the bus consumer hands each event to every stream itself, in order; a desk that reads too slowly is
 * cut off by its stream's limits, and it reconnects and reloads what it shows, as after any gap.
 */
final class AgentStreams implements AutoCloseable {

    /** Where one stream's text goes: the servlet's event stream, or a test's list. */
    interface Sink {
        /**
         * Never blocks.
         *
         * @return false when the stream has ended (the client is gone, or was cut off as too slow)
         */
        boolean send(String chunk);

        /** Sends a last event and ends the stream once the client has it. */
        void finish(String lastChunk);

        /** Ends the stream now; idempotent. */
        void close();
    }

    private static final Logger LOG = LoggerFactory.getLogger(AgentStreams.class);

    private final Set<Stream> open = ConcurrentHashMap.newKeySet();
    private final Clock clock;
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "desk-sse-heartbeat");
        t.setDaemon(true);
        return t;
    });

    AgentStreams(int heartbeatSeconds, Clock clock) {
        this.clock = clock;
        heartbeat.scheduleAtFixedRate(this::beat, heartbeatSeconds, heartbeatSeconds, TimeUnit.SECONDS);
    }

    /**
     * @param expiresAt when the login behind the stream ends; the stream ends with it, and the desk's
     *                  reconnect is then refused, which sends the agent back to the login form
     */
    Stream open(String user, Instant expiresAt, Sink sink) {
        return open(new Staff(user, Set.of(Roles.AGENT)), expiresAt, sink);
    }

    /** As {@link #open(String, Instant, Sink)}, for {@code who} with all their roles. */
    Stream open(Staff who, Instant expiresAt, Sink sink) {
        Stream stream = new Stream(who.user(), who.oversees(), expiresAt, sink);
        open.add(stream);
        // the browser waits this long before reconnecting after a cut
        stream.send("retry: 3000\n: connected\n\n");
        return stream;
    }

    /** Hands one event to every open stream. */
    void publish(String type, String json) {
        publish(type, json, null);
    }

    /**
     * Hands one event to the streams of {@code forAgent} and of those who oversee every desk
     * (supervisors, admins); to every open stream when {@code forAgent} is null. A call that rings at
     * one agent carries the caller's number and name: no other agent's desk gets it.
     */
    void publish(String type, String json, String forAgent) {
        String chunk = "event: " + type.replaceAll("[\\r\\n]", " ") + "\n"
                + "data: " + json.replace("\r", "").replace("\n", "\ndata: ") + "\n\n";
        for (Stream s : open) {
            if (forAgent == null || s.oversees || forAgent.equals(s.user)) {
                s.send(chunk);
            }
        }
    }

    int openStreams() {
        return open.size();
    }

    /** Comments keep proxies from closing an idle stream and find desks that stopped reading; logins that ran out end here. */
    void beat() {
        Instant now = clock.instant();
        for (Stream s : open) {
            if (!s.expiresAt.isAfter(now)) {
                LOG.debug("stream of {} ends with its login", s.user);
                open.remove(s);
                s.sink.finish("event: session.expired\ndata: {}\n\n");
            } else {
                s.send(": ping\n\n");
            }
        }
    }

    @Override
    public void close() {
        heartbeat.shutdownNow();
        open.forEach(Stream::close);
        open.clear();
    }

    final class Stream {
        final String user;
        final boolean oversees;
        final Instant expiresAt;
        private final Sink sink;

        Stream(String user, boolean oversees, Instant expiresAt, Sink sink) {
            this.user = user;
            this.oversees = oversees;
            this.expiresAt = expiresAt;
            this.sink = sink;
        }

        void send(String chunk) {
            if (!sink.send(chunk)) {
                close();
            }
        }

        /** Idempotent; the servlet also calls it when the stream ends on its own. */
        void close() {
            open.remove(this);
            sink.close();
        }
    }
}
