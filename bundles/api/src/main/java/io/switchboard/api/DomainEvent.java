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
    /** Handed to the human queue; data: skills, reason. */
    public static final String CONVERSATION_QUEUED = "conversation.queued";
    /** data: agentId, reason. */
    public static final String CONVERSATION_ASSIGNED = "conversation.assigned";
    /** An agent answered; the conversation waits for the customer. */
    public static final String CONVERSATION_WAITING = "conversation.waiting";
    public static final String CONVERSATION_CLOSED = "conversation.closed";
    public static final String CONVERSATION_REOPENED = "conversation.reopened";
    /** data: fromAgentId, toAgentId or skills. */
    public static final String CONVERSATION_TRANSFERRED = "conversation.transferred";
    /** data: sourceId, targetId, mergeId. */
    public static final String CUSTOMER_MERGED = "customer.merged";
    public static final String CUSTOMER_UNMERGED = "customer.unmerged";
    /** An address was linked to a customer; data: channel, address, verified. */
    public static final String CUSTOMER_LINKED = "customer.linked";
    /**
     * A call from a PBX or CTI (channel {@code voice}), for the screen-pop; data: callId, ani, dnis,
     * queue, agentId (the agent the call rings, if known), recordingUrl, customerName.
     */
    public static final String CALL_OFFERED = "call.offered";
    public static final String CALL_ANSWERED = "call.answered";
    public static final String CALL_ENDED = "call.ended";
    /** A connector lost its system (calls wait on the bus and are retried); data: system, reason, since. */
    public static final String SYSTEM_DOWN = "system.down";
    /** data: system, downFor (seconds). */
    public static final String SYSTEM_UP = "system.up";
    /** data: agentId, presence. */
    public static final String AGENT_PRESENCE = "agent.presence";

    public DomainEvent {
        ChannelAddress.requireText(type, "type");
        data = data == null ? Map.of() : Map.copyOf(data);
    }

    /**
     * The properties this event goes on {@link BusAddress#EVENTS} with: its id against duplicates, its
     * payload type, and its type for consumers' selectors ({@link BusAddress#EVENT_TYPE}).
     */
    public Map<String, Object> busProperties() {
        return Map.of(BusAddress.DUPLICATE_ID, id, BusAddress.PAYLOAD_TYPE, "DomainEvent", BusAddress.EVENT_TYPE, type);
    }
}
