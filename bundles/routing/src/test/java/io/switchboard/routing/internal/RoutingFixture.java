package io.switchboard.routing.internal;

import io.switchboard.api.Agent;
import io.switchboard.api.ChannelAddress;
import io.switchboard.api.Conversation;
import io.switchboard.api.ConversationState;
import io.switchboard.api.Message;
import io.switchboard.conversation.AgentDesk;
import io.switchboard.store.Store;
import io.switchboard.store.internal.JdbcStore;
import io.switchboard.testkit.TestDatabase;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A real (H2) store with agents and queued conversations, and a desk that assigns as the core's does. */
class RoutingFixture implements AutoCloseable {

    final TestDatabase db;
    final JdbcStore store;
    final RecordingDesk desk;

    RoutingFixture(TestDatabase db) {
        this.db = db;
        this.store = new JdbcStore(db.dataSource());
        this.desk = new RecordingDesk(store);
    }

    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    void agent(String id, Map<String, Integer> skills, Map<String, Integer> capacity, Agent.Presence presence,
               Agent.Workplace workplace, Instant idleSince) {
        store.inTransaction(s -> {
            s.agents().save(new Agent(id, "坐席 " + id, skills, capacity, null, workplace));
            s.agents().presence(id, presence, now());
            if (idleSince != null) {
                s.agents().assigned(id, idleSince);
            }
            return null;
        });
    }

    void agent(String id, Map<String, Integer> skills, Map<String, Integer> capacity, Instant idleSince) {
        agent(id, skills, capacity, Agent.Presence.AVAILABLE, Agent.Workplace.CENTRE, idleSince);
    }

    Conversation conversation(String id, String channel, ConversationState state, List<String> skills, int priority,
                              Instant queuedAt, String agentId) {
        return store.inTransaction(s -> {
            ChannelAddress address = new ChannelAddress(channel, "addr-" + id);
            String customer = s.customers().forAddress(address, "客户 " + id).id();
            Instant opened = queuedAt != null ? queuedAt.minusSeconds(30) : now();
            Conversation c = new Conversation(id, customer, address, state, skills, priority, agentId, opened,
                    queuedAt != null ? queuedAt : opened, queuedAt, null, null);
            s.conversations().create(c);
            return c;
        });
    }

    Conversation queued(String id, String channel, List<String> skills, int priority, Instant queuedAt) {
        return conversation(id, channel, ConversationState.QUEUED, skills, priority, queuedAt, null);
    }

    Conversation stored(String id) {
        return store.inTransaction(s -> s.conversations().byId(id).orElseThrow());
    }

    Instant idleSince(String agentId) {
        return store.inTransaction(s -> s.agents().idleSince(agentId).orElse(null));
    }

    @Override
    public void close() {
        db.close();
    }

    /** {@link AgentDesk#assign} as the core does it (a compare-and-set); the rest is not routing's business. */
    static final class RecordingDesk implements AgentDesk {
        final Store store;
        final List<String> reasons = new CopyOnWriteArrayList<>();
        volatile boolean loseEveryRace;

        RecordingDesk(Store store) {
            this.store = store;
        }

        @Override
        public boolean assign(String conversationId, String agentId, String reason) {
            if (loseEveryRace) {
                return false;
            }
            boolean moved = store.inTransaction(s -> s.conversations().transition(conversationId, ConversationState.QUEUED,
                    ConversationState.ASSIGNED, agentId, null, now()));
            if (moved) {
                reasons.add(conversationId + "->" + agentId + ": " + reason);
            }
            return moved;
        }

        @Override
        public Conversation require(String conversationId, io.switchboard.api.Staff who, boolean handle) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean maySee(Conversation conversation, io.switchboard.api.Staff who) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Conversation conversation(String conversationId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Conversation> conversations(boolean openOnly, int limit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Conversation> inState(ConversationState state, int limit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Conversation> assignedTo(String agentId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Message> timeline(String conversationId, int limit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Message reply(String conversationId, String agentId, String text, String replyId, ChannelAddress via) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Conversation handOff(String conversationId, List<String> skills, String reason) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Conversation accept(String conversationId, String agentId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Conversation transferToAgent(String conversationId, String fromAgentId, String toAgentId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Conversation transferToSkills(String conversationId, String fromAgentId, List<String> skills) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Conversation close(String conversationId, String agentId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public io.switchboard.api.Message push(String customerId, String channel, String text, String pushId, String reason,
                                                 java.util.Map<String, String> data) {
            throw new UnsupportedOperationException();
        }
    }
}
