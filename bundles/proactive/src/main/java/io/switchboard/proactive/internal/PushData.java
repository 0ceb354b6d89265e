package io.switchboard.proactive.internal;

import io.switchboard.store.CustomerErasure;
import io.switchboard.store.PersonalData;
import io.switchboard.store.StoreSession;
import java.sql.SQLException;

/** What proactive outreach keeps of a person: the pushes planned and sent to them, with their texts. */
final class PushData implements PersonalData {

    @Override
    public void erase(StoreSession s, CustomerErasure person) throws SQLException {
        PersonalData.deleteEach(s, "DELETE FROM pr_push WHERE customer_id = ?", person.customerIds());
    }
}
