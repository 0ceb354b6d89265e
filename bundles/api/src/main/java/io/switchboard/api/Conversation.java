package io.switchboard.api;

import java.time.Instant;
import java.util.List;

/**
 * A customer's exchange with the contact centre, across channels. {@code firstResponseAt} starts and
 * stops the SLA clock that begins at {@code openedAt}.
 */
public record Conversation(String id, String customerId, ChannelAddress address, ConversationState state,
                           List<String> skills, int priority, String assignedAgentId, Instant openedAt,
                           Instant updatedAt, Instant firstResponseAt, Instant closedAt) {

    public Conversation {
        ChannelAddress.requireText(id, "id");
        skills = skills == null ? List.of() : List.copyOf(skills);
    }
}
