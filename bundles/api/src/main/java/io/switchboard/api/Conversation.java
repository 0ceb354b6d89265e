package io.switchboard.api;

import java.time.Instant;
import java.util.List;

/**
 * A customer's exchange with the contact centre, across channels. {@code address} is where the
 * customer last wrote from; replies go there unless the agent picks another of the customer's
 * addresses. The SLA clock runs from {@code queuedAt} (handed to humans) to {@code firstResponseAt}.
 * {@code skills} entries are {@code name} or {@code name:level}.
 */
public record Conversation(String id, String customerId, ChannelAddress address, ConversationState state,
                           List<String> skills, int priority, String assignedAgentId, Instant openedAt,
                           Instant updatedAt, Instant queuedAt, Instant firstResponseAt, Instant closedAt) {

    public Conversation {
        ChannelAddress.requireText(id, "id");
        skills = skills == null ? List.of() : List.copyOf(skills);
    }
}
