package io.switchboard.conversation;

import io.switchboard.api.ChannelAddress;
import io.switchboard.api.Conversation;
import io.switchboard.api.ConversationState;
import io.switchboard.api.Message;
import io.switchboard.api.Staff;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The agents' side of conversations, as an OSGi service: the queue, the lifecycle (bot, queued,
 * assigned, waiting for the customer, closed) and replies. Every step is a compare-and-set in the
 * store, lands on the customer's timeline and is published on {@code sb.events}.
 *
 * <p>Failures are the JDK's own exceptions so every front end maps them alike:
 * {@link java.util.NoSuchElementException} (no such conversation), {@link IllegalStateException}
 * (not in a state that allows it: closed, taken by someone else), {@link IllegalArgumentException}
 * (bad input); {@code BusUnavailableException} and {@code StoreException} mean the platform could
 * not do it now and the caller may retry.
 */
@ProviderType
public interface AgentDesk {

    /** The agent name replies of the bot carry. */
    String BOT = "bot";

    Conversation conversation(String conversationId);

    /**
     * The conversation, if {@code who} may reach it. Admins and supervisors reach every one; an agent
     * the ones assigned to them (open or closed since) and the ones waiting in the queue; anyone a
     * {@link CustomerGrant} lets reach its customer (a field worker, a work order's). To handle it
     * (reply, transfer, close) an agent must hold it: a queued one is only seen, and taken with
     * {@link #accept}.
     *
     * @param handle whether {@code who} is about to act on it, not only to read it
     * @throws SecurityException when {@code who} may not
     * @throws java.util.NoSuchElementException when there is no such conversation
     */
    Conversation require(String conversationId, Staff who, boolean handle);

    /** Whether {@code who} may see {@code conversation} by the rules of {@link #require}: for filtering lists. */
    boolean maySee(Conversation conversation, Staff who);

    List<Conversation> conversations(boolean openOnly, int limit);

    /** QUEUED ones come in routing order (priority, then longest waiting). */
    List<Conversation> inState(ConversationState state, int limit);

    /** What the agent carries now (ASSIGNED or WAITING). */
    List<Conversation> assignedTo(String agentId);

    /** The conversation's messages, oldest first. */
    List<Message> timeline(String conversationId, int limit);

    /**
     * Stores the reply and hands it to the channel of {@code via} (one of the customer's addresses;
     * null: where the customer last wrote from) on {@code sb.outbound.<channel>}. An agent's reply
     * moves an ASSIGNED conversation to WAITING; the bot's leaves it with the bot.
     *
     * @param replyId the caller's idempotency key (becomes the message id); retrying with the same
     *                key after a failure never sends the reply twice. Null makes a new one.
     */
    Message reply(String conversationId, String agentId, String text, String replyId, ChannelAddress via);

    default Message reply(String conversationId, String agentId, String text, String replyId) {
        return reply(conversationId, agentId, text, replyId, null);
    }

    /**
     * From the bot to the human queue, needing {@code skills} ({@code name} or {@code name:level}).
     * The transcript stays with the conversation; {@code reason} goes on the timeline. A conversation
     * already queued or with an agent is left as it is.
     */
    Conversation handOff(String conversationId, List<String> skills, String reason);

    /**
     * Routing's decision: QUEUED to ASSIGNED to {@code agentId}.
     *
     * @return false if the conversation was no longer queued (someone else took it)
     */
    boolean assign(String conversationId, String agentId, String reason);

    /** The agent takes a queued conversation, or confirms one routed to them. */
    Conversation accept(String conversationId, String agentId);

    /** To another agent directly. */
    Conversation transferToAgent(String conversationId, String fromAgentId, String toAgentId);

    /** Back to the queue for agents with {@code skills}. */
    Conversation transferToSkills(String conversationId, String fromAgentId, List<String> skills);

    /** Closes it; the customer writing again reopens it. */
    Conversation close(String conversationId, String agentId);

    /** The agent name proactive messages carry (a work order's step, a proactive rule's push). */
    String PUSH = "push";

    /**
     * The contact centre writes first: a work order's step the customer should know of, a survey, a
     * proactive rule's warning. The message goes to the customer's address on {@code channel} (null:
     * their preferred channel, else where they last wrote), into their open conversation there or a
     * new one that waits for them, so their answer comes back to it (to the bot or the queue when no
     * agent has it). It is stored, sent on {@code sb.outbound.<channel>}, and on the timeline as a
     * PUSH with {@code reason}, so any agent sees why the customer calls.
     *
     * @param pushId the caller's idempotency key (the message id): a retry never sends twice
     * @param data   what the timeline keeps with it (a work order's id, a flight number)
     * @throws IllegalArgumentException if the customer has no address on that channel
     */
    Message push(String customerId, String channel, String text, String pushId, String reason, Map<String, String> data);
}
