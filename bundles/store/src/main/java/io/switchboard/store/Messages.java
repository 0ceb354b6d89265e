package io.switchboard.store;

import io.switchboard.api.Message;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

@org.osgi.annotation.versioning.ProviderType
public interface Messages {

    /**
     * Stores {@code message} unless it is already there: same id, or the same channel message id on
     * the same channel (a channel's retry).
     *
     * @return false for a repeat, which is then left untouched
     */
    boolean insert(Message message) throws SQLException;

    Optional<Message> byId(String id) throws SQLException;

    /** The conversation's messages, oldest first. */
    List<Message> inConversation(String conversationId, int limit) throws SQLException;
}
