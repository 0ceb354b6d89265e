package io.switchboard.conversation.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.ChannelAddress;
import io.switchboard.api.ContentPart;
import io.switchboard.api.Conversation;
import io.switchboard.api.ConversationState;
import io.switchboard.api.Customer;
import io.switchboard.api.Direction;
import io.switchboard.api.DomainEvent;
import io.switchboard.api.Ids;
import io.switchboard.api.Message;
import io.switchboard.api.QueuedConversation;
import io.switchboard.api.Staff;
import io.switchboard.bus.Bus;
import io.switchboard.bus.BusBatch;
import io.switchboard.conversation.AgentDesk;
import io.switchboard.store.Store;
import io.switchboard.store.StoreException;
import io.switchboard.store.StoreSession;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/** {@link AgentDesk} over the store and the bus. */
final class Desk implements AgentDesk {

    static final int MAX_REPLY_LENGTH = 10_000;
    /** Queue priority of a VIP's conversation; escalations may go above it. */
    static final int VIP_PRIORITY = 10;
    private static final Set<ConversationState> WITH_AGENT = EnumSet.of(ConversationState.ASSIGNED, ConversationState.WAITING);

    /** Replies that come together are stored in one transaction and sent in one. */
    static final int REPLIES_PER_COMMIT = 50;

    private final Store store;
    private final Bus bus;
    private final CanonicalJson json;
    private final Outbox outbox;
    private final Reach reach;
    private final GroupCommit<Reply, Message> replies = new GroupCommit<>(REPLIES_PER_COMMIT, this::storeAndSend);

    /** With no other bundle's grants: the core's own rules. */
    Desk(Store store, Bus bus, CanonicalJson json, Outbox outbox) {
        this(store, bus, json, outbox, new Reach(List::of));
    }

    Desk(Store store, Bus bus, CanonicalJson json, Outbox outbox, Reach reach) {
        this.store = store;
        this.bus = bus;
        this.json = json;
        this.outbox = outbox;
        this.reach = reach;
    }

    @Override
    public Conversation require(String conversationId, Staff who, boolean handle) {
        return reach.require(conversation(conversationId), who, handle);
    }

    @Override
    public boolean maySee(Conversation conversation, Staff who) {
        return reach.maySee(conversation, who);
    }

    @Override
    public Conversation conversation(String conversationId) {
        return store.inTransaction(s -> find(s, conversationId));
    }

    @Override
    public List<Conversation> conversations(boolean openOnly, int limit) {
        return store.inTransaction(s -> s.conversations().list(openOnly, clamp(limit)));
    }

    @Override
    public List<Conversation> inState(ConversationState state, int limit) {
        return store.inTransaction(s -> s.conversations().inState(state, clamp(limit)));
    }

    @Override
    public List<Conversation> assignedTo(String agentId) {
        return store.inTransaction(s -> s.conversations().assignedTo(agentId));
    }

    @Override
    public List<Message> timeline(String conversationId, int limit) {
        return store.inTransaction(s -> {
            find(s, conversationId);
            return s.messages().inConversation(conversationId, clamp(limit));
        });
    }

    @Override
    public Message reply(String conversationId, String agentId, String text, String replyId, ChannelAddress via) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("text is required");
        }
        if (text.length() > MAX_REPLY_LENGTH) {
            throw new IllegalArgumentException("text longer than " + MAX_REPLY_LENGTH + " characters");
        }
        if (replyId != null && !replyId.matches("[A-Za-z0-9._:-]{1,40}")) {
            throw new IllegalArgumentException("replyId must be 1-40 letters, digits or . _ : -");
        }
        return replies.submit(new Reply(conversationId, agentId, text, replyId, via));
    }

    /** A reply that passed the checks, waiting for its group's commit. */
    private record Reply(String conversationId, String agentId, String text, String replyId, ChannelAddress via) {
    }

    /**
     * One reply's work inside its group's transaction: what it stores, and what it will send once the
     * group has committed. A retry with a stored replyId is answered with what was stored and sends
     * nothing, as its first try's sends are in the outbox or gone.
     */
    private record Stored(Message reply, List<BusBatch.Outgoing> sends) {
    }

    private Stored storeOne(StoreSession s, Reply r) throws SQLException {
        Instant now = now();
        boolean bot = BOT.equals(r.agentId());
        Conversation c = find(s, r.conversationId());
        if (c.state() == ConversationState.CLOSED) {
            throw new IllegalStateException("conversation " + r.conversationId() + " is closed");
        }
        ChannelAddress to = r.via() == null ? c.address() : r.via();
        if (r.via() != null && !r.via().equals(c.address())) {
            Customer customer = s.customers().byId(c.customerId()).orElseThrow();
            if (!customer.addresses().contains(r.via())) {
                throw new IllegalArgumentException(r.via() + " is not an address of customer " + customer.id());
            }
        }
        Message m = new Message(r.replyId() != null ? r.replyId() : Ids.newId(), null, Direction.OUTBOUND, to,
                c.id(), c.customerId(), r.agentId(), now, List.of(ContentPart.text(r.text())), Map.of());
        if (!s.messages().insert(m)) {
            // a retry of a reply already stored: what was stored, not the retry's text
            Message stored = s.messages().byId(m.id()).filter(old -> c.id().equals(old.conversationId()))
                    .orElseThrow(() -> new IllegalArgumentException("replyId " + m.id() + " is already used"));
            return new Stored(stored, List.of());
        }
        List<DomainEvent> events = new ArrayList<>();
        s.conversations().touch(c.id(), now, !bot);
        if (!bot && c.state() == ConversationState.ASSIGNED
                && s.conversations().transition(c.id(), ConversationState.ASSIGNED, ConversationState.WAITING, r.agentId(), null, now)) {
            events.add(new DomainEvent("waiting:" + m.id(), DomainEvent.CONVERSATION_WAITING, now, c.id(),
                    c.customerId(), Map.of("agentId", r.agentId() == null ? "" : r.agentId())));
        }
        events.add(new DomainEvent("sent:" + m.id(), DomainEvent.MESSAGE_SENT, m.time(), c.id(), c.customerId(),
                Map.of("messageId", m.id(), "agentId", m.agentId() == null ? "" : m.agentId(),
                        "channel", m.address().channel())));
        List<BusBatch.Outgoing> sends = new ArrayList<>();
        // the broker's duplicate detection keeps the customer from seeing a reply twice when it is sent again
        sends.add(new BusBatch.Outgoing(BusAddress.outbound(m.address().channel()), false, json.toJson(m),
                Map.of(BusAddress.DUPLICATE_ID, "reply:" + m.id(), BusAddress.GROUP_ID, m.conversationId(),
                        BusAddress.PAYLOAD_TYPE, "Message")));
        for (DomainEvent event : events) {
            sends.add(new BusBatch.Outgoing(BusAddress.EVENTS, true, json.toJson(event), event.busProperties()));
        }
        return new Stored(m, sends);
    }

    /**
     * The replies that came together, in one database transaction and one broker transaction. The
     * group is stored in the order of its conversations, so that two groups never wait on each other's
     * rows (the inbound batches still lock theirs in arrival order). A reply that fails (a closed conversation, a reused
     * replyId) is rolled back to its savepoint and fails alone. What the new replies send is kept in
     * the {@link Outbox} in the same transaction, so a reply stored is a reply sent: at once when the
     * broker takes it, else by the outbox's relay when the broker is back. A retry with a stored
     * replyId sends nothing again: its first try's send is done or waits in the outbox.
     */
    private List<GroupCommit.Outcome<Message>> storeAndSend(List<Reply> group) {
        Integer[] order = new Integer[group.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, java.util.Comparator.comparing(i -> group.get(i).conversationId()));
        List<BusBatch.Outgoing> fresh = new ArrayList<>();
        Object[] results = store.inTransaction(s -> {
            fresh.clear(); // a transaction tried again starts over
            Object[] done = new Object[group.size()];
            for (int i : order) {
                Savepoint savepoint = group.size() > 1 ? s.connection().setSavepoint() : null;
                try {
                    Stored stored = storeOne(s, group.get(i));
                    outbox.keep(s, stored.sends());
                    if (savepoint != null) {
                        s.connection().releaseSavepoint(savepoint);
                    }
                    fresh.addAll(stored.sends());
                    done[i] = stored;
                } catch (SQLException | RuntimeException e) {
                    if (savepoint == null) {
                        throw e;
                    }
                    s.connection().rollback(savepoint);
                    done[i] = e instanceof RuntimeException re ? re : new StoreException("database: " + e.getMessage(), e);
                }
            }
            return done;
        });
        outbox.send(fresh);
        List<GroupCommit.Outcome<Message>> outcomes = new ArrayList<>(group.size());
        for (Object result : results) {
            outcomes.add(result instanceof Stored stored ? GroupCommit.Outcome.of(stored.reply())
                    : GroupCommit.Outcome.failed((RuntimeException) result));
        }
        return outcomes;
    }

    @Override
    public Message push(String customerId, String channel, String text, String pushId, String reason,
                        Map<String, String> data) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("text is required");
        }
        if (text.length() > MAX_REPLY_LENGTH) {
            throw new IllegalArgumentException("text longer than " + MAX_REPLY_LENGTH + " characters");
        }
        if (pushId != null && !pushId.matches("[A-Za-z0-9._:-]{1,40}")) {
            throw new IllegalArgumentException("pushId must be 1-40 letters, digits or . _ : -");
        }
        Instant now = now();
        Steps steps = new Steps();
        List<BusBatch.Outgoing> toSend = new ArrayList<>();
        Message pushed = store.inTransaction(s -> {
            Customer customer = s.customers().byId(customerId)
                    .orElseThrow(() -> new NoSuchElementException("no customer " + customerId));
            List<String> group = s.customers().group(customer.id());
            ChannelAddress to = addressFor(s, customer, group, channel);
            String id = pushId != null ? pushId : Ids.newId();
            java.util.Optional<Message> earlier = s.messages().byId(id);
            if (earlier.isPresent()) {
                // a retry: what was stored, whose send is done or waits in the outbox
                return earlier.get();
            }
            Conversation c = s.conversations().openOn(to).filter(o -> group.contains(o.customerId())).orElse(null);
            if (c == null) {
                // nobody has it yet: when the customer answers, it goes to the bot or the queue
                c = new Conversation(Ids.newId(), customer.id(), to, ConversationState.WAITING, List.of(),
                        customer.tier() == Customer.Tier.VIP ? VIP_PRIORITY : 0, null, now, now, null, null, null);
                s.conversations().create(c);
                steps.step(s, c, DomainEvent.CONVERSATION_OPENED, now, PUSH, "Opened by a message to the customer",
                        Map.of("channel", to.channel(), "state", ConversationState.WAITING.name()));
            }
            Message m = new Message(id, null, Direction.OUTBOUND, to, c.id(), c.customerId(), PUSH, now,
                    List.of(ContentPart.text(text)), Map.of());
            s.messages().insert(m);
            s.conversations().touch(c.id(), now, false);
            Map<String, String> entry = new java.util.TreeMap<>(data == null ? Map.of() : data);
            entry.put("messageId", m.id());
            entry.put("text", text);
            s.timeline().record(new io.switchboard.api.TimelineEntry("push:" + m.id(), c.customerId(), c.id(), now,
                    io.switchboard.api.TimelineEntry.Kind.PUSH, to.channel(), Direction.OUTBOUND, PUSH,
                    reason == null || reason.isBlank() ? "Message to the customer" : reason, entry));
            steps.event(new DomainEvent("sent:" + m.id(), DomainEvent.MESSAGE_SENT, now, c.id(), c.customerId(),
                    Map.of("messageId", m.id(), "agentId", PUSH, "channel", to.channel())));
            List<BusBatch.Outgoing> send = List.of(new BusBatch.Outgoing(BusAddress.outbound(to.channel()), false, json.toJson(m),
                    Map.of(BusAddress.DUPLICATE_ID, "reply:" + m.id(), BusAddress.GROUP_ID, m.conversationId(),
                            BusAddress.PAYLOAD_TYPE, "Message")));
            outbox.keep(s, send);
            toSend.clear(); // a transaction tried again starts over
            toSend.addAll(send);
            return m;
        });
        outbox.send(toSend);
        steps.publish(bus, json);
        return pushed;
    }

    /** {@code channel}, else the preferred one, else where the customer last wrote, else any of theirs. */
    private static ChannelAddress addressFor(StoreSession s, Customer customer, List<String> group, String channel)
            throws SQLException {
        List<String> wanted = new java.util.ArrayList<>();
        if (channel != null && !channel.isBlank()) {
            wanted.add(channel);
        } else {
            if (customer.preferredChannel() != null && !customer.preferredChannel().isBlank()) {
                wanted.add(customer.preferredChannel());
            }
            s.conversations().ofCustomers(group, false, 1).forEach(c -> wanted.add(c.address().channel()));
            customer.addresses().forEach(a -> wanted.add(a.channel()));
        }
        for (String ch : wanted) {
            for (ChannelAddress a : customer.addresses()) {
                if (a.channel().equals(ch)) {
                    return a;
                }
            }
        }
        throw new IllegalArgumentException("customer " + customer.id() + " has no address"
                + (channel != null && !channel.isBlank() ? " on " + channel : ""));
    }

    @Override
    public Conversation handOff(String conversationId, List<String> skills, String reason) {
        List<String> wanted = skills == null ? List.of() : List.copyOf(skills);
        QueuedConversation.parseSkills(wanted);
        return change(conversationId, (s, c, now, steps) -> {
            if (c.state() == ConversationState.CLOSED) {
                throw new IllegalStateException("conversation " + conversationId + " is closed");
            }
            if (c.state() != ConversationState.BOT) {
                return false;
            }
            if (!s.conversations().transition(c.id(), ConversationState.BOT, ConversationState.QUEUED, null, wanted, now)) {
                throw new IllegalStateException("conversation " + conversationId + " changed meanwhile; try again");
            }
            // the tier may have changed since the conversation opened (an agent or the CRM made them VIP)
            int priority = s.customers().byId(c.customerId()).map(Customer::tier).orElse(Customer.Tier.STANDARD)
                    == Customer.Tier.VIP ? VIP_PRIORITY : 0;
            if (priority > c.priority()) {
                s.conversations().prioritize(c.id(), priority);
            }
            steps.step(s, c, DomainEvent.CONVERSATION_QUEUED, now, null,
                    "Handed to a human" + (reason == null || reason.isBlank() ? "" : ": " + reason),
                    Map.of("skills", String.join(",", wanted), "reason", reason == null ? "" : reason));
            return true;
        });
    }

    @Override
    public boolean assign(String conversationId, String agentId, String reason) {
        requireAgent(agentId);
        boolean[] done = {false};
        change(conversationId, (s, c, now, steps) -> {
            if (c.state() != ConversationState.QUEUED
                    || !s.conversations().transition(c.id(), ConversationState.QUEUED, ConversationState.ASSIGNED, agentId, null, now)) {
                return false;
            }
            assigned(s, c, agentId, reason, now, steps);
            done[0] = true;
            return true;
        });
        return done[0];
    }

    private static void assigned(StoreSession s, Conversation c, String agentId, String reason, Instant now, Steps steps)
            throws SQLException {
        s.agents().assigned(agentId, now);
        steps.step(s, c, DomainEvent.CONVERSATION_ASSIGNED, now, agentId,
                "Assigned to " + agentId + (reason == null || reason.isBlank() ? "" : " (" + reason + ")"),
                Map.of("agentId", agentId, "reason", reason == null ? "" : reason));
    }

    @Override
    public Conversation accept(String conversationId, String agentId) {
        requireAgent(agentId);
        return change(conversationId, (s, c, now, steps) -> {
            if (WITH_AGENT.contains(c.state())) {
                if (agentId.equals(c.assignedAgentId())) {
                    return false;
                }
                throw new IllegalStateException("conversation " + conversationId + " is with " + c.assignedAgentId());
            }
            if (c.state() == ConversationState.CLOSED) {
                throw new IllegalStateException("conversation " + conversationId + " is closed");
            }
            // an agent may also take a conversation from the bot
            if (!s.conversations().transition(c.id(), c.state(), ConversationState.ASSIGNED, agentId, null, now)) {
                throw new IllegalStateException("conversation " + conversationId + " was just taken by someone else");
            }
            assigned(s, c, agentId, "accepted", now, steps);
            return true;
        });
    }

    @Override
    public Conversation transferToAgent(String conversationId, String fromAgentId, String toAgentId) {
        requireAgent(toAgentId);
        return change(conversationId, (s, c, now, steps) -> {
            requireOpen(c);
            if (s.agents().byId(toAgentId).isEmpty()) {
                throw new IllegalArgumentException("no agent " + toAgentId);
            }
            if (!s.conversations().transition(c.id(), c.state(), ConversationState.ASSIGNED, toAgentId, null, now)) {
                throw new IllegalStateException("conversation " + conversationId + " changed meanwhile; try again");
            }
            s.agents().assigned(toAgentId, now);
            steps.step(s, c, DomainEvent.CONVERSATION_TRANSFERRED, now, fromAgentId,
                    "Transferred from " + fromAgentId + " to " + toAgentId,
                    Map.of("fromAgentId", nz(fromAgentId), "toAgentId", toAgentId, "agentId", toAgentId));
            return true;
        });
    }

    @Override
    public Conversation transferToSkills(String conversationId, String fromAgentId, List<String> skills) {
        if (skills == null || skills.isEmpty()) {
            throw new IllegalArgumentException("skills are required");
        }
        QueuedConversation.parseSkills(skills);
        return change(conversationId, (s, c, now, steps) -> {
            requireOpen(c);
            if (!s.conversations().transition(c.id(), c.state(), ConversationState.QUEUED, null, skills, now)) {
                throw new IllegalStateException("conversation " + conversationId + " changed meanwhile; try again");
            }
            steps.step(s, c, DomainEvent.CONVERSATION_TRANSFERRED, now, fromAgentId,
                    "Transferred by " + fromAgentId + " to the queue for " + String.join(", ", skills),
                    Map.of("fromAgentId", nz(fromAgentId), "skills", String.join(",", skills)));
            return true;
        });
    }

    @Override
    public Conversation close(String conversationId, String agentId) {
        return change(conversationId, (s, c, now, steps) -> {
            if (c.state() == ConversationState.CLOSED) {
                return false;
            }
            if (!s.conversations().transition(c.id(), c.state(), ConversationState.CLOSED, null, null, now)) {
                throw new IllegalStateException("conversation " + conversationId + " changed meanwhile; try again");
            }
            steps.step(s, c, DomainEvent.CONVERSATION_CLOSED, now, agentId, "Closed by " + agentId,
                    Map.of("agentId", nz(agentId)));
            return true;
        });
    }

    @FunctionalInterface
    private interface Change {
        /** @return whether it changed anything (false: the conversation was already as wanted) */
        boolean apply(StoreSession s, Conversation c, Instant now, Steps steps) throws SQLException;
    }

    /** Runs one lifecycle step in a transaction, then publishes its events; returns the result. */
    private Conversation change(String conversationId, Change change) {
        Instant now = now();
        Steps steps = new Steps();
        Conversation result = store.inTransaction(s -> {
            Conversation c = find(s, conversationId);
            change.apply(s, c, now, steps);
            return find(s, conversationId);
        });
        steps.publish(bus, json);
        return result;
    }

    private static Conversation find(StoreSession s, String conversationId) throws SQLException {
        return s.conversations().byId(conversationId)
                .orElseThrow(() -> new NoSuchElementException("no conversation " + conversationId));
    }

    private static void requireOpen(Conversation c) {
        if (c.state() == ConversationState.CLOSED) {
            throw new IllegalStateException("conversation " + c.id() + " is closed");
        }
    }

    private static void requireAgent(String agentId) {
        if (agentId == null || agentId.isBlank()) {
            throw new IllegalArgumentException("an agent is required");
        }
    }

    private static String nz(String value) {
        return value == null ? "" : value;
    }

    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    private static int clamp(int limit) {
        return Math.max(1, Math.min(limit, 1000));
    }
}
