package io.switchboard.api;

/** A routing decision; {@code reason} is shown to operators (e.g. "skill billing>=3, overflow HOME"). */
public record Assignment(String conversationId, String agentId, String reason) {

    public Assignment {
        ChannelAddress.requireText(conversationId, "conversationId");
        ChannelAddress.requireText(agentId, "agentId");
    }
}
