package io.switchboard.proactive.internal;

import io.switchboard.store.CustomerErasure;
import io.switchboard.store.PersonalData;
import io.switchboard.store.StoreSession;
import java.sql.SQLException;
import java.util.List;

/**
 * What proactive outreach keeps of a person: the pushes planned and sent to them, with their texts; of a
 * conversation: the pushes sent in it.
 */
final class PushData implements PersonalData {

    @Override
    public void erase(StoreSession s, CustomerErasure person) throws SQLException {
        PersonalData.deleteEach(s, "DELETE FROM pr_push WHERE customer_id = ?", person.customerIds());
    }

    @Override
    public void expire(StoreSession s, List<String> conversationIds) throws SQLException {
        PersonalData.deleteEach(s, "DELETE FROM pr_push WHERE conversation_id = ?", conversationIds);
    }
}
