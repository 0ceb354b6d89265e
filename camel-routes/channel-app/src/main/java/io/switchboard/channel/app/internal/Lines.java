package io.switchboard.channel.app.internal;

import io.switchboard.api.CanonicalJson;
import io.switchboard.api.ChannelAddress;
import io.switchboard.api.ContentPart;
import io.switchboard.api.Direction;
import io.switchboard.api.Message;
import io.switchboard.bus.BusUnavailableException;
import io.switchboard.rest.SourceRate;
import io.switchboard.store.Store;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The devices' open lines and the protocol spoken on them. What a device is sent always comes from
 * the delivery table, never from the bus message in hand, so a line that opens late or reconnects
 * gets the same frames in the same order; what a device sends is acknowledged only once the broker
 * has it.
 */
final class Lines implements AutoCloseable {

    static final String CHANNEL = "app";
    static final String CLIENT_MESSAGE_ID = "[A-Za-z0-9._:-]{1,36}";
    /** Close codes of ours (4000-4999 are the application's). */
    static final int UNAUTHORIZED = 4401;
    static final int GOING_AWAY = 1001;
    /** A device that takes frames too slowly; it reconnects and resumes from its last acknowledgement. */
    static final int TOO_SLOW = 1008;

    private static final Logger LOG = LoggerFactory.getLogger(Lines.class);
    private static final int REPLAY_BATCH = 200;

    /** Puts the message on the bus and returns once it is durable there. */
    interface Inbound {
        void accept(Message message);
    }

    /**
     * @param lineBufferBytes most bytes of frames one device may let wait before it is cut off
     * @param lineStallMillis longest a device may take nothing while frames wait before it is cut off
     */
    record Settings(int defaultPingSeconds, int minPingSeconds, int maxPingSeconds, int graceSeconds, int maxTextLength,
                    int lineBufferBytes, long lineStallMillis) {
        int ping(Integer proposed) {
            int p = proposed == null ? defaultPingSeconds : proposed;
            return Math.max(minPingSeconds, Math.min(maxPingSeconds, p));
        }
    }

    private final Store store;
    private final Inbound inbound;
    private final CanonicalJson json;
    private final SourceRate rate;
    private final Settings settings;
    private final Map<String, Set<Line>> byAddress = new ConcurrentHashMap<>();
    private final ExecutorService pushes = Executors.newFixedThreadPool(4, r -> new Thread(r, "app-line-push"));

    Lines(Store store, Inbound inbound, CanonicalJson json, SourceRate rate, Settings settings) {
        this.store = store;
        this.inbound = inbound;
        this.json = json;
        this.rate = rate;
        this.settings = settings;
    }

    Settings settings() {
        return settings;
    }

    /**
     * A verified device connected.
     *
     * @param since the last seq the device has (null: it does not know; it resumes where it last acknowledged)
     * @param ping  the heartbeat interval it proposes, in seconds (null: the default)
     */
    Line open(DeviceTokens.Device device, Peer peer, Long since, Integer ping) {
        int pingSeconds = settings.ping(ping);
        long[] positions = store.inTransaction(s -> new long[] {
                since != null ? since : Deliveries.ackedBy(s, device.key(), device.address()),
                Deliveries.latest(s, device.address())});
        // a device claiming more than was ever sent lost our history (a restored database): start over
        long from = positions[0] > positions[1] ? 0 : Math.max(0, positions[0]);
        if (since != null) {
            store.inTransaction(s -> {
                Deliveries.ackedBy(s, device.key(), device.address());
                Deliveries.acknowledged(s, device.key(), from);
                return null;
            });
        }
        Line line = new Line(device, peer, from, pingSeconds);
        byAddress.computeIfAbsent(device.address(), k -> ConcurrentHashMap.newKeySet()).add(line);
        line.write(json.toJson(Frames.ToDevice.hello(pingSeconds, from, positions[1])));
        pushes.execute(line::catchUp);
        return line;
    }

    /** Called once a reply to {@code address} is committed to the delivery table. */
    void delivered(String address) {
        Set<Line> lines = byAddress.get(address);
        if (lines != null) {
            for (Line line : lines) {
                pushes.execute(line::catchUp);
            }
        }
    }

    int openLines() {
        return byAddress.values().stream().mapToInt(Set::size).sum();
    }

    void closed(Line line) {
        line.done();
        byAddress.computeIfPresent(line.device.address(), (k, set) -> {
            set.remove(line);
            return set.isEmpty() ? null : set;
        });
    }

    @Override
    public void close() {
        pushes.shutdownNow();
        byAddress.values().forEach(set -> set.forEach(l -> l.hangUp(GOING_AWAY, "server stopping")));
        byAddress.clear();
    }

    /** The protocol for a received text frame. */
    void received(Line line, String text) {
        if (Frames.PING.equals(text)) {
            line.write(Frames.PONG);
            return;
        }
        Frames.FromDevice frame;
        try {
            frame = json.fromJson(text, Frames.FromDevice.class);
        } catch (IllegalArgumentException e) {
            line.write(json.toJson(Frames.ToDevice.refused(null, 400, null, "not a frame: " + e.getMessage())));
            return;
        }
        if ("msg".equals(frame.t())) {
            take(line, frame);
        } else if ("ack".equals(frame.t()) && frame.seq() != null) {
            line.acknowledged(frame.seq());
        } else {
            line.write(json.toJson(Frames.ToDevice.refused(frame.id(), 400, null, "unknown frame type " + frame.t())));
        }
    }

    /** A customer's message: refused (and nothing on the bus), or on the bus and then acknowledged. */
    private void take(Line line, Frames.FromDevice frame) {
        String clientId = frame.id();
        if (clientId == null || !clientId.matches(CLIENT_MESSAGE_ID)) {
            line.write(json.toJson(Frames.ToDevice.refused(null, 400, null, "id must be 1-36 letters, digits or . _ : -")));
            return;
        }
        if (frame.text() == null || frame.text().isBlank()) {
            line.write(json.toJson(Frames.ToDevice.refused(clientId, 400, null, "text is required")));
            return;
        }
        if (frame.text().codePointCount(0, frame.text().length()) > settings.maxTextLength()) {
            line.write(json.toJson(Frames.ToDevice.refused(clientId, 413, null, "text exceeds " + settings.maxTextLength() + " characters")));
            return;
        }
        long wait = rate.waitSeconds(line.device.address(), System.currentTimeMillis());
        if (wait > 0) {
            line.write(json.toJson(Frames.ToDevice.refused(clientId, 429, wait, "too many messages; retry in " + wait + " s")));
            return;
        }
        Message message = inboundMessage(line.device, clientId, frame.text());
        try {
            inbound.accept(message);
        } catch (BusUnavailableException | IllegalStateException e) {
            LOG.warn("a message from app {} not on the bus: {}", line.device.appId(), e.getMessage());
            line.write(json.toJson(Frames.ToDevice.refused(clientId, 503, 1L, "bus unavailable, retry")));
            return;
        }
        line.write(json.toJson(Frames.ToDevice.accepted(clientId, message.id())));
    }

    /** A resend of the same client message gets the same ids, so the bus and the store drop it. */
    static Message inboundMessage(DeviceTokens.Device device, String clientId, String text) {
        String channelMessageId = device.key() + "/" + clientId;
        String messageId = UUID.nameUUIDFromBytes((CHANNEL + ":" + channelMessageId).getBytes(StandardCharsets.UTF_8)).toString();
        return new Message(messageId, channelMessageId, Direction.INBOUND, new ChannelAddress(CHANNEL, device.address()),
                null, null, null, Instant.now().truncatedTo(ChronoUnit.MICROS), List.of(ContentPart.text(text)),
                Map.of("appDeviceId", device.deviceId()));
    }

    private record Outgoing(String frame, int bytes) {
    }

    /** One device's connection. */
    final class Line {
        final DeviceTokens.Device device;
        final int pingSeconds;
        private final Peer peer;
        private final ArrayDeque<Outgoing> queue = new ArrayDeque<>();
        private final Object catchingUp = new Object();
        private long lastSent;
        private long acked;
        private boolean done;
        /** Bytes (UTF-8) of the frames in {@link #queue}. */
        private int waiting;
        /** A frame is on its way to the device, since {@link #sendingSince} (nanoTime). */
        private boolean sending;
        private long sendingSince;
        private boolean pumping;
        /** The last catch-up stopped short: more follows once the device has taken what it has. */
        private volatile boolean behind;

        Line(DeviceTokens.Device device, Peer peer, long from, int pingSeconds) {
            this.device = device;
            this.peer = peer;
            this.lastSent = from;
            this.acked = from;
            this.pingSeconds = pingSeconds;
        }

        /**
         * Sends what the device has not been sent yet, oldest first, but never more than half its
         * buffer at once: the rest follows as the device takes what it has.
         */
        void catchUp() {
            // its own lock: the device's write completions must not wait for a database read
            synchronized (catchingUp) {
                try {
                    reading:
                    while (!isDone()) {
                        List<Deliveries.Delivery> missed = store.inTransaction(s -> Deliveries.after(s, device.address(), lastSent(), REPLAY_BATCH));
                        for (Deliveries.Delivery d : missed) {
                            if (waitingBytes() > settings.lineBufferBytes() / 2) {
                                behind = true;
                                // set before looking again, so either the drain sees it or we see the drain
                                if (waitingBytes() > 0) {
                                    return;
                                }
                                continue reading;
                            }
                            if (!write(d.frame(), d.seq())) {
                                return;
                            }
                        }
                        if (missed.size() < REPLAY_BATCH) {
                            behind = false;
                            return;
                        }
                    }
                } catch (RuntimeException e) {
                    // a device key names its app user: the log says which app, not whose line
                    LOG.warn("a line of app {} could not catch up: {}", device.appId(), e.getMessage());
                }
            }
        }

        private synchronized long lastSent() {
            return lastSent;
        }

        void acknowledged(long seq) {
            synchronized (this) {
                if (seq <= acked || seq > lastSent) {
                    return; // old news, or an ack of something never sent on this line
                }
                acked = seq;
            }
            store.inTransaction(s -> {
                Deliveries.acknowledged(s, device.key(), seq);
                return null;
            });
        }

        /**
         * Queues a frame and returns at once; frames go out one at a time, each when the one before
         * is written, so a device that stops reading holds only its own line.
         *
         * @return false when the device is gone or is cut off now for taking too little (the line is then closed)
         */
        boolean write(String frame) {
            return write(frame, 0);
        }

        /** @param seq the delivery the frame carries (then counted as sent), or 0 */
        private boolean write(String frame, long seq) {
            int bytes = frame.getBytes(StandardCharsets.UTF_8).length;
            String cut = null;
            synchronized (this) {
                if (done) {
                    return false;
                }
                if (sending && System.nanoTime() - sendingSince > settings.lineStallMillis() * 1_000_000L) {
                    cut = "took nothing for " + settings.lineStallMillis() / 1000 + " s";
                } else if (waiting + bytes > settings.lineBufferBytes()) {
                    cut = "too far behind";
                } else {
                    queue.add(new Outgoing(frame, bytes));
                    waiting += bytes;
                    if (seq > 0) {
                        lastSent = seq;
                    }
                }
            }
            if (cut != null) {
                LOG.info("a line of app {} was cut off: {}; it reconnects and resumes", device.appId(), cut);
                hangUp(TOO_SLOW, cut);
                return false;
            }
            pump();
            return true;
        }

        private synchronized boolean isDone() {
            return done;
        }

        private synchronized int waitingBytes() {
            return waiting;
        }

        /** Starts the next frame unless one is on its way; a frame written at once loops here, never recurses. */
        private void pump() {
            synchronized (this) {
                if (pumping) {
                    return;
                }
                pumping = true;
            }
            while (true) {
                Outgoing next;
                boolean drained = false;
                synchronized (this) {
                    next = done || sending ? null : queue.poll();
                    if (next == null) {
                        pumping = false;
                        drained = !done && !sending && behind;
                    } else {
                        waiting -= next.bytes();
                        sending = true;
                        sendingSince = System.nanoTime();
                    }
                }
                if (next == null) {
                    if (drained) {
                        try {
                            pushes.execute(this::catchUp);
                        } catch (RejectedExecutionException stopping) {
                            // the channel is stopping; its lines are being hung up
                        }
                    }
                    return;
                }
                peer.send(next.frame(), this::sent);
            }
        }

        private void sent(Throwable failure) {
            if (failure != null) {
                hangUp(GOING_AWAY, "write failed");
                return;
            }
            synchronized (this) {
                sending = false;
            }
            pump();
        }

        synchronized void done() {
            done = true;
            queue.clear();
            waiting = 0;
        }

        void hangUp(int code, String reason) {
            done();
            closed(this);
            peer.close(code, reason);
        }
    }
}
