package io.switchboard.app.client;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * What the client must not forget: the last reply it handed to the app, and the messages the
 * server has not yet acknowledged, oldest first. The default keeps them in memory (for the life of
 * the process); an app that must survive being killed gives one backed by its own storage
 * (SharedPreferences, SQLite). Called from the client's one thread only.
 */
public interface ClientState {

    long lastSeq();

    void lastSeq(long seq);

    /** Messages waiting for the server's acknowledgement, oldest first. */
    List<Outgoing> outbox();

    void add(Outgoing message);

    void remove(String clientMessageId);

    /** A message the app sent, with the id that makes its resends one message. */
    final class Outgoing {
        public final String id;
        public final String text;

        public Outgoing(String id, String text) {
            this.id = id;
            this.text = text;
        }
    }

    static ClientState inMemory() {
        return new ClientState() {
            private long last;
            private final Deque<Outgoing> outbox = new ArrayDeque<>();

            @Override
            public long lastSeq() {
                return last;
            }

            @Override
            public void lastSeq(long seq) {
                last = seq;
            }

            @Override
            public List<Outgoing> outbox() {
                return new ArrayList<>(outbox);
            }

            @Override
            public void add(Outgoing message) {
                outbox.addLast(message);
            }

            @Override
            public void remove(String clientMessageId) {
                outbox.removeIf(m -> m.id.equals(clientMessageId));
            }
        };
    }
}
