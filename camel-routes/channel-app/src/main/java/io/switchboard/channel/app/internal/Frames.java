package io.switchboard.channel.app.internal;

/**
 * The JSON text frames of the in-app protocol (docs/channels/app.md). Short names: a phone pays
 * for every byte, and an idle connection's heartbeat is a frame of its own ({@link #PING}).
 */
public final class Frames {

    /** A client's heartbeat where it cannot send WebSocket pings (browsers); answered {@link #PONG}. */
    static final String PING = "p";
    static final String PONG = "q";

    private Frames() {
    }

    /**
     * From the device: {@code msg} (id, text) or {@code ack} (seq: everything up to it is in hand).
     */
    public record FromDevice(String t, String id, String text, Long seq) {
    }

    /**
     * To the device: {@code hi} (ping interval, where the replay starts, the newest seq), {@code msg}
     * (seq, id, time, agent, text), {@code ack} (id: that client message is durable on the bus, mid:
     * its message id), {@code err} (id, status, retryAfter, detail).
     */
    public record ToDevice(String t, Integer ping, Long from, Long last, Long seq, String id, String mid,
                           String time, String agent, String text, Integer status, Long retryAfter, String detail) {

        static ToDevice hello(int pingSeconds, long from, long last) {
            return new ToDevice("hi", pingSeconds, from, last, null, null, null, null, null, null, null, null, null);
        }

        static ToDevice message(long seq, String id, String time, String agent, String text) {
            return new ToDevice("msg", null, null, null, seq, id, null, time, agent, text, null, null, null);
        }

        static ToDevice accepted(String clientId, String messageId) {
            return new ToDevice("ack", null, null, null, null, clientId, messageId, null, null, null, null, null, null);
        }

        static ToDevice refused(String clientId, int status, Long retryAfter, String detail) {
            return new ToDevice("err", null, null, null, null, clientId, null, null, null, null, status, retryAfter, detail);
        }
    }
}
