package io.switchboard.store;

import io.switchboard.api.ChannelAddress;
import io.switchboard.api.Conversation;
import io.switchboard.api.ConversationState;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

@ProviderType
public interface Conversations {

    Optional<Conversation> byId(String id) throws SQLException;

    /** Only the state of conversation {@code id}: what a channel asks on every message, so one column. */
    Optional<ConversationState> stateOf(String id) throws SQLException;

    /** The newest conversation still open on {@code address}. */
    Optional<Conversation> openOn(ChannelAddress address) throws SQLException;

    /** The customers' conversations, newest activity first. */
    List<Conversation> ofCustomers(Collection<String> customerIds, boolean openOnly, int limit) throws SQLException;

    void create(Conversation conversation) throws SQLException;

    /** Newest activity first; {@code openOnly} leaves out CLOSED ones. */
    List<Conversation> list(boolean openOnly, int limit) throws SQLException;

    /**
     * Conversations in {@code state}; QUEUED ones come in routing order (highest priority, then
     * longest waiting), the others newest activity first.
     */
    List<Conversation> inState(ConversationState state, int limit) throws SQLException;

    /** What {@code agentId} carries now (ASSIGNED or WAITING), newest activity first. */
    List<Conversation> assignedTo(String agentId) throws SQLException;

    /** Per agent, per channel: how many ASSIGNED or WAITING conversations each agent carries. */
    Map<String, Map<String, Integer>> activeLoad() throws SQLException;

    /** Records activity; the first agent message also stops the first-response clock. */
    void touch(String id, Instant at, boolean agentResponded) throws SQLException;

    /**
     * Moves a conversation from {@code from} to {@code to} only if it is still in {@code from} (a
     * compare-and-set, so two routers or two agents never both win). Entering QUEUED starts the
     * SLA clock and clears the agent; entering ASSIGNED or WAITING sets {@code agentId} (null keeps
     * the current one); entering CLOSED stamps the close; leaving CLOSED clears it.
     *
     * @param skills the skills to queue for; null keeps the current ones
     * @return whether the conversation was in {@code from} and has moved
     */
    boolean transition(String id, ConversationState from, ConversationState to, String agentId, List<String> skills,
                       Instant at) throws SQLException;

    /** Routing takes higher priorities first (VIPs: 10). */
    void prioritize(String id, int priority) throws SQLException;

    /** Where replies go by default: the address the customer last wrote from. */
    void moveTo(String id, ChannelAddress address, Instant at) throws SQLException;

    /**
     * Up to {@code limit} conversations CLOSED before {@code closedBefore}, oldest close first, locked
     * until the transaction ends: a customer's message reopening one meanwhile waits for the purge and
     * then finds it gone; another node purging at the same time waits and passes them over.
     *
     * @since 1.5
     */
    List<String> closedBefore(Instant closedBefore, int limit) throws SQLException;

    /**
     * Deletes the conversations {@code ids} with their messages, their rows on the customers' timelines
     * and what still waits in the outbox for them; their customers and addresses stay. Ids already
     * gone are passed over.
     *
     * @since 1.5
     */
    void purge(Collection<String> ids) throws SQLException;

    /** @deprecated use {@link #transition}, which cannot lose a race */
    @Deprecated
    void changeState(String id, ConversationState state, Instant at) throws SQLException;
}
