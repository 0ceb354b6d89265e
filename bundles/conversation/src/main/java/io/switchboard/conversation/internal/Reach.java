package io.switchboard.conversation.internal;

import io.switchboard.api.Conversation;
import io.switchboard.api.ConversationState;
import io.switchboard.api.Roles;
import io.switchboard.api.Staff;
import io.switchboard.api.TimelineEntry;
import io.switchboard.conversation.CustomerGrant;
import io.switchboard.store.StoreSession;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Supplier;

/**
 * Which conversations and customers someone reaches: the one home of the rules that
 * {@link io.switchboard.conversation.AgentDesk#require} and
 * {@link io.switchboard.conversation.CustomerDirectory#require} state, so that the REST API, the
 * desk, the field app and the shell cannot judge one conversation differently.
 */
final class Reach {

    /** How long after a call rang at an agent they still reach the caller: the call and its wrap-up. */
    static final Duration CALL_REACH = Duration.ofHours(1);
    /** How much of a customer's recent timeline is looked at for such a call. */
    static final int CALL_LOOKBACK = 20;
    /** How many of a customer's conversations are looked at for one the agent holds or that waits. */
    static final int CONVERSATION_LOOKBACK = 200;

    private final Supplier<List<CustomerGrant>> grants;

    Reach(Supplier<List<CustomerGrant>> grants) {
        this.grants = grants;
    }

    boolean maySee(Conversation c, Staff who) {
        return who.oversees() || holds(c, who) || queuedFor(c, who) || granted(c.customerId(), who);
    }

    boolean mayHandle(Conversation c, Staff who) {
        return who.oversees() || holds(c, who) || granted(c.customerId(), who);
    }

    /** The conversation, if {@code who} may see it ({@code handle}: act on it); else a SecurityException. */
    Conversation require(Conversation c, Staff who, boolean handle) {
        if (!(handle ? mayHandle(c, who) : maySee(c, who))) {
            throw new SecurityException(who.user() + " may not " + (handle ? "act on" : "see") + " conversation " + c.id()
                    + (handle ? ": it is not assigned to them" : ": it is neither assigned to them nor waiting in the queue"));
        }
        return c;
    }

    void requireCustomer(StoreSession s, String customerId, Staff who) throws SQLException {
        List<String> group = s.customers().group(customerId);
        if (group.isEmpty()) {
            throw new NoSuchElementException("no customer " + customerId);
        }
        if (who.oversees() || group.stream().anyMatch(id -> granted(id, who))) {
            return;
        }
        if (who.has(Roles.AGENT)) {
            for (Conversation c : s.conversations().ofCustomers(group, false, CONVERSATION_LOOKBACK)) {
                if (holds(c, who) || queuedFor(c, who)) {
                    return;
                }
            }
            Instant since = Instant.now().minus(CALL_REACH);
            for (TimelineEntry e : s.timeline().page(customerId, null, CALL_LOOKBACK).entries()) {
                if (e.kind() == TimelineEntry.Kind.CALL && e.time().isAfter(since)
                        && (e.agentId() == null || e.agentId().isBlank() || e.agentId().equals(who.user()))) {
                    return;
                }
            }
        }
        throw new SecurityException(who.user() + " may not see customer " + customerId
                + ": none of their conversations is assigned to them or waiting in the queue");
    }

    private static boolean holds(Conversation c, Staff who) {
        return who.has(Roles.AGENT) && who.user().equals(c.assignedAgentId());
    }

    private static boolean queuedFor(Conversation c, Staff who) {
        return who.has(Roles.AGENT) && c.state() == ConversationState.QUEUED;
    }

    private boolean granted(String customerId, Staff who) {
        for (CustomerGrant grant : grants.get()) {
            if (grant.grants(who, customerId)) {
                return true;
            }
        }
        return false;
    }
}
