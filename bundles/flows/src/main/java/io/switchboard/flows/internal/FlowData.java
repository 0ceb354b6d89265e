package io.switchboard.flows.internal;

import io.switchboard.store.CustomerErasure;
import io.switchboard.store.PersonalData;
import io.switchboard.store.StoreSession;
import java.sql.SQLException;
import java.util.List;

/**
 * What the flows keep of a person: their accounts, faults and pickups, and what agents asked systems for
 * them; of a conversation: what agents asked in it. Repairs and pickups outlive the conversation they began
 * in, as their work orders do.
 */
final class FlowData implements PersonalData {

    @Override
    public void erase(StoreSession s, CustomerErasure person) throws SQLException {
        PersonalData.deleteEach(s, "DELETE FROM flow_repair WHERE customer_id = ?", person.customerIds());
        PersonalData.deleteEach(s, "DELETE FROM flow_pickup WHERE customer_id = ?", person.customerIds());
        PersonalData.deleteEach(s, "DELETE FROM flow_agent_request WHERE customer_id = ?", person.customerIds());
        PersonalData.deleteEach(s, "DELETE FROM flow_agent_request WHERE conversation_id = ?", person.conversationIds());
    }

    @Override
    public void expire(StoreSession s, List<String> conversationIds) throws SQLException {
        PersonalData.deleteEach(s, "DELETE FROM flow_agent_request WHERE conversation_id = ?", conversationIds);
    }
}
