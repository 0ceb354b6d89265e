package io.switchboard.flows.internal;

import io.switchboard.store.CustomerErasure;
import io.switchboard.store.PersonalData;
import io.switchboard.store.StoreSession;
import java.sql.SQLException;

/** What the repair and pickup flows keep of a person: their accounts, faults and pickups. */
final class FlowData implements PersonalData {

    @Override
    public void erase(StoreSession s, CustomerErasure person) throws SQLException {
        PersonalData.deleteEach(s, "DELETE FROM flow_repair WHERE customer_id = ?", person.customerIds());
        PersonalData.deleteEach(s, "DELETE FROM flow_pickup WHERE customer_id = ?", person.customerIds());
    }
}
