package io.switchboard.conversation.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.ContentPart;
import io.switchboard.api.Conversation;
import io.switchboard.api.ConversationState;
import io.switchboard.api.Customer;
import io.switchboard.api.Direction;
import io.switchboard.api.DomainEvent;
import io.switchboard.api.Ids;
import io.switchboard.api.Message;
import io.switchboard.api.TimelineEntry;
import io.switchboard.bus.BusBatch;
import io.switchboard.store.Store;
import io.switchboard.store.StoreSession;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * Everything the channels put on {@code sb.inbound} becomes a stored message in a conversation.
 *
 * <p>Consumption is batched and transacted ({@link BusBatch}): the broker forgets a batch only after
 * the database has it (or the dead-letter queue has its poison message), and what the batch produced
 * (the events, the hand-over to the bot) is committed on the broker with it. A redelivery after a crash
 * between the two commits finds the messages already stored by their channel message ids and only
 * repeats what follows, which the broker dedupes by their ids.
 */
final class InboundRoutes extends RouteBuilder {

    static final String ROUTE_ID = "conversation-inbound";

    /** How a conversation is continued, opened and reopened; from the component's configuration. */
    record Policy(boolean botEnabled, Duration continueWithin) {
    }

    private final Store store;
    private final CanonicalJson json;
    private final Policy policy;

    InboundRoutes(Store store, CanonicalJson json, Policy policy) {
        this.store = store;
        this.json = json;
        this.policy = policy;
    }

    /** Messages taken and stored in one transaction at most; enough to amortise a commit, few enough to stay quick. */
    static final int BATCH = 50;
    /** Consumers of sb.inbound: the broker keeps each conversation with one of them. */
    static final int CONSUMERS = 4;

    @Override
    public void configure() {
        // the batch consumer retries and dead-letters by itself, a poison message alone (BusBatch)
        from("bus-batch:" + BusAddress.INBOUND + "?size=" + BATCH + "&consumers=" + CONSUMERS)
                .routeId(ROUTE_ID)
                .errorHandler(noErrorHandler())
                .process(this::receive);
    }

    private record Outcome(Message stored, boolean withBot, Steps steps) {
    }

    /**
     * A batch of what the channels put on {@code sb.inbound}: the messages someone wrote are stored in
     * one transaction, in the order the broker gave them (a conversation's order); what follows from
     * them, the hand-over to the bot and the events, goes out when the batch commits. A call event is
     * recorded in a transaction of its own.
     */
    void receive(Exchange exchange) {
        List<Message> written = new java.util.ArrayList<>();
        for (BusBatch.Delivery delivery : BusBatch.deliveries(exchange)) {
            Message message = json.fromJson(delivery.body(), Message.class);
            if (message.direction() != Direction.INBOUND) {
                throw new IllegalArgumentException("sb.inbound takes INBOUND messages, got " + message.direction());
            }
            String call = callEvent(message);
            if (call != null) {
                receiveCall(exchange, message, call);
            } else {
                written.add(message);
            }
        }
        if (written.isEmpty()) {
            return;
        }
        List<Outcome> outcomes = store.inTransaction(s -> {
            List<Outcome> done = new java.util.ArrayList<>(written.size());
            for (Message message : written) {
                done.add(store(s, message));
            }
            return done;
        });
        for (Outcome outcome : outcomes) {
            if (outcome.withBot()) {
                Message m = outcome.stored();
                BusBatch.send(exchange, BusAddress.BOT, json.toJson(m), Map.of(BusAddress.DUPLICATE_ID, "bot:" + m.deduplicationId(),
                        BusAddress.GROUP_ID, m.conversationId(), BusAddress.PAYLOAD_TYPE, "Message"));
            }
            outcome.steps().publish(exchange, json);
        }
    }

    private Outcome store(StoreSession s, Message message) throws SQLException {
        Steps steps = new Steps();
        Instant now = Desk.now();
        Customer customer = s.customers().forAddress(message.address(), message.headers().get("displayName"));
        List<String> group = s.customers().group(customer.id());
        Conversation conversation = findOrOpen(s, message, customer, group, now, steps);
        conversation = reactivate(s, conversation, message, now, steps);
        Message stored = message.withConversation(conversation.id(), conversation.customerId());
        if (s.messages().insert(stored)) {
            s.conversations().touch(conversation.id(), message.time(), false);
        }
        steps.event(new DomainEvent("received:" + message.deduplicationId(), DomainEvent.MESSAGE_RECEIVED,
                now, conversation.id(), conversation.customerId(),
                Map.of("messageId", message.id(), "channel", message.address().channel())));
        return new Outcome(stored, conversation.state() == ConversationState.BOT, steps);
    }

    /** The {@code call.*} event a voice channel reports, or null for a message someone wrote. */
    static String callEvent(Message message) {
        for (ContentPart part : message.parts()) {
            if (part.kind() == ContentPart.Kind.EVENT && part.name() != null && part.name().startsWith("call.")) {
                return part.name();
            }
        }
        return null;
    }

    /**
     * A call event joins the caller's timeline (beside their latest conversation, which it leaves
     * as it is: the PBX, not the queue, routes calls) and goes out on {@code sb.events}, where the
     * agent desktop turns {@code call.offered} into the screen-pop. A repeat of the same event
     * (the channel's id is the call's id and the event) records nothing new and repeats the event
     * under the same id, which the broker drops.
     */
    private void receiveCall(Exchange exchange, Message message, String event) {
        if (!Set.of(DomainEvent.CALL_OFFERED, DomainEvent.CALL_ANSWERED, DomainEvent.CALL_ENDED).contains(event)) {
            throw new IllegalArgumentException("unknown call event " + event);
        }
        Map<String, String> h = message.headers();
        DomainEvent published = store.inTransaction(s -> {
            Customer customer = s.customers().forAddress(message.address(), null);
            List<String> group = s.customers().group(customer.id());
            String conversationId = s.conversations().ofCustomers(group, false, 1).stream()
                    .map(Conversation::id).findFirst().orElse(null);
            Map<String, String> data = new java.util.TreeMap<>();
            data.put("callId", h.getOrDefault("callId", message.channelMessageId()));
            data.put("ani", message.address().address());
            for (String key : List.of("dnis", "queue", "agentId", "recordingUrl")) {
                if (h.get(key) != null && !h.get(key).isBlank()) {
                    data.put(key, h.get(key));
                }
            }
            data.put("customerName", customer.name() == null ? "" : customer.name());
            String id = "call:" + message.deduplicationId();
            s.timeline().record(new TimelineEntry(id, customer.id(), conversationId, message.time(),
                    TimelineEntry.Kind.CALL, message.address().channel(), Direction.INBOUND, h.get("agentId"),
                    callSummary(event, data), data));
            return new DomainEvent(id, event, message.time(), conversationId, customer.id(), data);
        });
        BusBatch.publish(exchange, BusAddress.EVENTS, json.toJson(published), published.busProperties());
    }

    private static String callSummary(String event, Map<String, String> data) {
        String what = switch (event) {
            case DomainEvent.CALL_OFFERED -> "Call from ";
            case DomainEvent.CALL_ANSWERED -> "Call answered" + (data.containsKey("agentId") ? " by " + data.get("agentId") : "") + ", from ";
            default -> "Call ended, from ";
        };
        return what + data.get("ani") + (data.containsKey("dnis") ? " to " + data.get("dnis") : "")
                + (data.containsKey("queue") ? " (queue " + data.get("queue") + ")" : "");
    }

    /**
     * The channel may name the conversation (web chat tells the visitor its id in the 202): that one
     * is kept, created if new. Otherwise the open conversation on the address continues; failing
     * that, the customer's latest conversation if it moved within the window: on another channel
     * (they wrote on WeChat, then called) or closed a moment ago (reopened); failing that, a new one.
     */
    private Conversation findOrOpen(StoreSession s, Message message, Customer customer, List<String> group,
                                    Instant now, Steps steps) throws SQLException {
        String wanted = message.conversationId();
        Optional<Conversation> existing;
        if (wanted != null) {
            existing = s.conversations().byId(wanted);
            if (existing.isPresent() && !group.contains(existing.get().customerId())) {
                throw new IllegalArgumentException("conversation " + wanted + " belongs to another customer");
            }
        } else {
            // after an un-merge, a conversation begun while merged stays with the survivor
            existing = s.conversations().openOn(message.address()).filter(c -> group.contains(c.customerId()));
            if (existing.isEmpty() && !policy.continueWithin().isZero()) {
                // the customer's latest conversation, closed or not, if it moved within the window
                existing = s.conversations().ofCustomers(group, false, 1).stream()
                        .filter(c -> c.updatedAt().isAfter(now.minus(policy.continueWithin())))
                        .findFirst();
                if (existing.isPresent() && !existing.get().address().equals(message.address())) {
                    Conversation c = existing.get();
                    steps.step(s, c, DomainEvent.CONVERSATION_CONTINUED, now, null,
                            "The customer continued on " + message.address().channel(),
                            Map.of("from", c.address().toString(), "to", message.address().toString()));
                }
            }
        }
        if (existing.isPresent()) {
            return existing.get();
        }
        ConversationState state = policy.botEnabled() ? ConversationState.BOT : ConversationState.QUEUED;
        Conversation opened = new Conversation(wanted != null ? wanted : Ids.newId(), customer.id(), message.address(),
                state, List.of(), customer.tier() == Customer.Tier.VIP ? Desk.VIP_PRIORITY : 0, null, message.time(), message.time(),
                state == ConversationState.QUEUED ? now : null, null, null);
        s.conversations().create(opened);
        steps.step(s, opened, DomainEvent.CONVERSATION_OPENED, now, null,
                "Opened on " + message.address().channel() + (state == ConversationState.BOT ? " with the bot" : ""),
                Map.of("channel", message.address().channel(), "state", state.name()));
        return opened;
    }

    /**
     * The customer's message moves the conversation: a closed one reopens, one waiting for the
     * customer goes back to its agent, and replies follow the customer to the channel they used.
     */
    private Conversation reactivate(StoreSession s, Conversation c, Message message, Instant now, Steps steps)
            throws SQLException {
        boolean changed = false;
        if (!c.address().equals(message.address())) {
            s.conversations().moveTo(c.id(), message.address(), now);
            changed = true;
        }
        if (c.state() == ConversationState.CLOSED) {
            ConversationState to = policy.botEnabled() ? ConversationState.BOT : ConversationState.QUEUED;
            if (s.conversations().transition(c.id(), ConversationState.CLOSED, to, null, null, now)) {
                steps.step(s, c, DomainEvent.CONVERSATION_REOPENED, now, null, "Reopened by the customer",
                        Map.of("state", to.name()));
                changed = true;
            }
        } else if (c.state() == ConversationState.WAITING && c.assignedAgentId() == null) {
            // opened by a message to the customer (a work order's step, a push): their answer is new work
            ConversationState to = policy.botEnabled() ? ConversationState.BOT : ConversationState.QUEUED;
            if (s.conversations().transition(c.id(), ConversationState.WAITING, to, null, null, now)) {
                steps.step(s, c, to == ConversationState.BOT ? DomainEvent.CONVERSATION_REOPENED : DomainEvent.CONVERSATION_QUEUED,
                        now, null, "The customer answered", Map.of("state", to.name()));
                changed = true;
            }
        } else if (c.state() == ConversationState.WAITING) {
            changed |= s.conversations().transition(c.id(), ConversationState.WAITING, ConversationState.ASSIGNED, null, null, now);
        }
        return changed ? s.conversations().byId(c.id()).orElseThrow() : c;
    }
}
