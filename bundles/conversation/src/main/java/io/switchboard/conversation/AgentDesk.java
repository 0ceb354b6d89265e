package io.switchboard.conversation;

import io.switchboard.api.Conversation;
import io.switchboard.api.Message;
import java.util.List;

/**
 * The agents' side of conversations, as an OSGi service.
 *
 * <p>Failures are the JDK's own exceptions so every front end maps them alike:
 * {@link java.util.NoSuchElementException} (no such conversation), {@link IllegalStateException}
 * (closed), {@link IllegalArgumentException} (bad input); {@code BusUnavailableException} and
 * {@code StoreException} mean the platform could not do it now and the caller may retry.
 */
public interface AgentDesk {

    List<Conversation> conversations(boolean openOnly, int limit);

    /** The conversation's messages, oldest first. */
    List<Message> timeline(String conversationId, int limit);

    /**
     * Stores the reply and hands it to the conversation's channel on {@code sb.outbound.<channel>}.
     *
     * @param replyId the caller's idempotency key (becomes the message id); retrying with the same
     *                key after a failure never sends the reply twice. Null makes a new one.
     */
    Message reply(String conversationId, String agentId, String text, String replyId);
}
