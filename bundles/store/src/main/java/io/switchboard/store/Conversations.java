package io.switchboard.store;

import io.switchboard.api.ChannelAddress;
import io.switchboard.api.Conversation;
import io.switchboard.api.ConversationState;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

public interface Conversations {

    Optional<Conversation> byId(String id) throws SQLException;

    /** The newest conversation still open on {@code address}. */
    Optional<Conversation> openOn(ChannelAddress address) throws SQLException;

    void create(Conversation conversation) throws SQLException;

    /** Newest activity first; {@code openOnly} leaves out CLOSED ones. */
    List<Conversation> list(boolean openOnly, int limit) throws SQLException;

    /** Records activity; the first agent message also stops the first-response clock. */
    void touch(String id, Instant at, boolean agentResponded) throws SQLException;

    void changeState(String id, ConversationState state, Instant at) throws SQLException;
}
