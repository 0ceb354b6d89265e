package io.switchboard.conversation.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.Conversation;
import io.switchboard.api.ConversationState;
import io.switchboard.api.Customer;
import io.switchboard.api.Direction;
import io.switchboard.api.DomainEvent;
import io.switchboard.api.Ids;
import io.switchboard.api.Message;
import io.switchboard.bus.Bus;
import io.switchboard.bus.DeadLetters;
import io.switchboard.store.Store;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * Everything the channels put on {@code sb.inbound} becomes a stored message in a conversation.
 *
 * <p>Consumption is transacted: the broker forgets a message only after the database has it (or the
 * dead-letter queue does). A redelivery after a crash finds the message already stored by its
 * channel message id and only republishes the event, which the broker dedupes by its id.
 */
final class InboundRoutes extends RouteBuilder {

    static final String ROUTE_ID = "conversation-inbound";

    private final Store store;
    private final Bus bus;
    private final CanonicalJson json;

    InboundRoutes(Store store, Bus bus, CanonicalJson json) {
        this.store = store;
        this.bus = bus;
        this.json = json;
    }

    @Override
    public void configure() {
        errorHandler(DeadLetters.forAddress(BusAddress.INBOUND));
        from("bus:queue:" + BusAddress.INBOUND + "?transacted=true&asyncStartListener=true&concurrentConsumers=8")
                .routeId(ROUTE_ID)
                .process(this::receive);
    }

    void receive(Exchange exchange) throws org.apache.camel.InvalidPayloadException {
        Message message = json.fromJson(exchange.getMessage().getMandatoryBody(String.class), Message.class);
        if (message.direction() != Direction.INBOUND) {
            throw new IllegalArgumentException("sb.inbound takes INBOUND messages, got " + message.direction());
        }
        List<DomainEvent> events = store.inTransaction(s -> {
            Customer customer = s.customers().forAddress(message.address(), message.headers().get("displayName"));
            Conversation conversation = findOrOpen(s, message, customer);
            boolean opened = conversation.updatedAt() == null;
            if (opened) {
                conversation = new Conversation(conversation.id(), customer.id(), message.address(),
                        ConversationState.QUEUED, List.of(), customer.tier() == Customer.Tier.VIP ? 10 : 0, null,
                        message.time(), message.time(), null, null);
                s.conversations().create(conversation);
            } else if (conversation.state() == ConversationState.CLOSED) {
                s.conversations().changeState(conversation.id(), ConversationState.QUEUED, message.time());
            }
            Message stored = message.withConversation(conversation.id(), customer.id());
            if (s.messages().insert(stored)) {
                s.conversations().touch(conversation.id(), message.time(), false);
            }
            DomainEvent received = new DomainEvent("received:" + message.deduplicationId(), DomainEvent.MESSAGE_RECEIVED,
                    Instant.now(), conversation.id(), customer.id(),
                    Map.of("messageId", message.id(), "channel", message.address().channel()));
            return opened
                    ? List.of(new DomainEvent("opened:" + conversation.id(), DomainEvent.CONVERSATION_OPENED, Instant.now(),
                            conversation.id(), customer.id(), Map.of("channel", message.address().channel())), received)
                    : List.of(received);
        });
        for (DomainEvent event : events) {
            bus.publish(BusAddress.EVENTS, json.toJson(event), Map.of(BusAddress.DUPLICATE_ID, event.id(),
                    BusAddress.PAYLOAD_TYPE, "DomainEvent"));
        }
    }

    /**
     * The channel may name the conversation (web chat tells the visitor its id in the 202): that
     * one is kept, created if new. Otherwise the open conversation on the address continues.
     * A conversation not yet in the database comes back with a null {@code updatedAt}.
     */
    private static Conversation findOrOpen(io.switchboard.store.StoreSession s, Message message, Customer customer)
            throws java.sql.SQLException {
        String wanted = message.conversationId();
        var existing = wanted != null ? s.conversations().byId(wanted) : s.conversations().openOn(message.address());
        if (existing.isPresent()) {
            Conversation c = existing.get();
            if (!c.customerId().equals(customer.id())) {
                throw new IllegalArgumentException("conversation " + c.id() + " belongs to another customer");
            }
            return c;
        }
        return new Conversation(wanted != null ? wanted : Ids.newId(), customer.id(), message.address(),
                ConversationState.QUEUED, List.of(), 0, null, message.time(), null, null, null);
    }
}
