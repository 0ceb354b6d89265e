package io.switchboard.api;

import java.time.Instant;
import java.util.Map;

/** What happened in the core, published on {@link BusAddress#EVENTS} for any plugin to follow. */
public record DomainEvent(String id, String type, Instant time, String conversationId, String customerId,
                          Map<String, String> data) {

    public static final String CONVERSATION_OPENED = "conversation.opened";
    public static final String CONVERSATION_CONTINUED = "conversation.continued";
    public static final String MESSAGE_RECEIVED = "message.received";
    public static final String MESSAGE_SENT = "message.sent";

    public DomainEvent {
        ChannelAddress.requireText(type, "type");
        data = data == null ? Map.of() : Map.copyOf(data);
    }
}
