package io.switchboard.conversation.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.ContentPart;
import io.switchboard.api.Conversation;
import io.switchboard.api.ConversationState;
import io.switchboard.api.Direction;
import io.switchboard.api.DomainEvent;
import io.switchboard.api.Ids;
import io.switchboard.api.Message;
import io.switchboard.bus.Bus;
import io.switchboard.conversation.AgentDesk;
import io.switchboard.store.Store;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/** {@link AgentDesk} over the store and the bus. */
final class Desk implements AgentDesk {

    static final int MAX_REPLY_LENGTH = 10_000;

    private final Store store;
    private final Bus bus;
    private final CanonicalJson json;

    Desk(Store store, Bus bus, CanonicalJson json) {
        this.store = store;
        this.bus = bus;
        this.json = json;
    }

    @Override
    public List<Conversation> conversations(boolean openOnly, int limit) {
        return store.inTransaction(s -> s.conversations().list(openOnly, clamp(limit)));
    }

    @Override
    public List<Message> timeline(String conversationId, int limit) {
        return store.inTransaction(s -> {
            s.conversations().byId(conversationId).orElseThrow(() -> notFound(conversationId));
            return s.messages().inConversation(conversationId, clamp(limit));
        });
    }

    @Override
    public Message reply(String conversationId, String agentId, String text, String replyId) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("text is required");
        }
        if (text.length() > MAX_REPLY_LENGTH) {
            throw new IllegalArgumentException("text longer than " + MAX_REPLY_LENGTH + " characters");
        }
        if (replyId != null && !replyId.matches("[A-Za-z0-9._:-]{1,40}")) {
            throw new IllegalArgumentException("replyId must be 1-40 letters, digits or . _ : -");
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Message reply = store.inTransaction(s -> {
            Conversation c = s.conversations().byId(conversationId).orElseThrow(() -> notFound(conversationId));
            if (c.state() == ConversationState.CLOSED) {
                throw new IllegalStateException("conversation " + conversationId + " is closed");
            }
            Message m = new Message(replyId != null ? replyId : Ids.newId(), null, Direction.OUTBOUND, c.address(),
                    c.id(), c.customerId(), agentId, now, List.of(ContentPart.text(text)), Map.of());
            if (!s.messages().insert(m)) {
                // a retry of a reply already stored: send what was stored, not the retry's text
                return s.messages().byId(m.id()).filter(old -> c.id().equals(old.conversationId()))
                        .orElseThrow(() -> new IllegalArgumentException("replyId " + m.id() + " is already used"));
            }
            s.conversations().touch(c.id(), now, true);
            return m;
        });
        // after the commit; if the broker fails now the agent gets an error and retries with the same
        // replyId, and the broker's duplicate detection keeps the customer from seeing it twice
        bus.send(BusAddress.outbound(reply.address().channel()), json.toJson(reply), Map.of(
                BusAddress.DUPLICATE_ID, "reply:" + reply.id(),
                BusAddress.GROUP_ID, reply.conversationId(),
                BusAddress.PAYLOAD_TYPE, "Message"));
        DomainEvent sent = new DomainEvent("sent:" + reply.id(), DomainEvent.MESSAGE_SENT, now, reply.conversationId(),
                reply.customerId(), Map.of("messageId", reply.id(), "agentId", agentId == null ? "" : agentId));
        bus.publish(BusAddress.EVENTS, json.toJson(sent), Map.of(BusAddress.DUPLICATE_ID, sent.id(),
                BusAddress.PAYLOAD_TYPE, "DomainEvent"));
        return reply;
    }

    private static int clamp(int limit) {
        return Math.max(1, Math.min(limit, 1000));
    }

    private static NoSuchElementException notFound(String id) {
        return new NoSuchElementException("no conversation " + id);
    }
}
