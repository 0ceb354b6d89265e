package io.switchboard.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A message in either direction. {@code address} is always the customer's side. {@code
 * channelMessageId} is the id the channel itself gave the message (WeChat's MsgId, an SMSC message
 * id, a widget's client id); with the channel it identifies a retry, so the bus can drop duplicates.
 * {@code headers} are Switchboard's own metadata; transport headers from outside never get here.
 */
public record Message(String id, String channelMessageId, Direction direction, ChannelAddress address,
                      String conversationId, String customerId, String agentId, Instant time,
                      List<ContentPart> parts, Map<String, String> headers) {

    public Message {
        Objects.requireNonNull(id, "id is required");
        Objects.requireNonNull(direction, "direction is required");
        Objects.requireNonNull(address, "address is required");
        Objects.requireNonNull(time, "time is required");
        parts = parts == null ? List.of() : List.copyOf(parts);
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a message needs at least one content part");
        }
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    /** The text of all text parts, joined by new lines; what an agent or a bot reads. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        for (ContentPart p : parts) {
            if (p.kind() == ContentPart.Kind.TEXT) {
                if (sb.length() > 0) {
                    sb.append('\n');
                }
                sb.append(p.text());
            }
        }
        return sb.toString();
    }

    /** The key by which the bus dedupes: a channel's own id is only unique within that channel. */
    public String deduplicationId() {
        return address.channel() + ":" + (channelMessageId != null ? channelMessageId : id);
    }

    public Message withConversation(String conversationId, String customerId) {
        return new Message(id, channelMessageId, direction, address, conversationId, customerId, agentId, time,
                parts, headers);
    }
}
