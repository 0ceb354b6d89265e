package io.switchboard.store;

import io.switchboard.api.Agent;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** Agents' routing profiles (skills, capacity per channel, workplace) and their presence. */
@ProviderType
public interface Agents {

    Optional<Agent> byId(String id) throws SQLException;

    List<Agent> all() throws SQLException;

    /** Creates or replaces the profile; presence is left as it is (OFFLINE for a new agent). */
    void save(Agent agent) throws SQLException;

    /** @return false if there is no such agent */
    boolean presence(String agentId, Agent.Presence presence, Instant at) throws SQLException;

    /** Since when the agent has had no new conversation: fairness goes to the longest idle. */
    Optional<Instant> idleSince(String agentId) throws SQLException;

    /** {@link #idleSince(String)} of every agent at once, for a routing round. */
    java.util.Map<String, Instant> idleSince() throws SQLException;

    /** Records that the agent was just given a conversation. */
    void assigned(String agentId, Instant at) throws SQLException;
}
