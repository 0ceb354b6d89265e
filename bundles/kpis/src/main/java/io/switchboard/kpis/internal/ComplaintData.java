package io.switchboard.kpis.internal;

import io.switchboard.store.CustomerErasure;
import io.switchboard.store.PersonalData;
import io.switchboard.store.StoreSession;
import java.sql.SQLException;

/** What the KPIs keep of a person: their complaints counted towards incidents (the incidents, with no person in them, stay). */
final class ComplaintData implements PersonalData {

    @Override
    public void erase(StoreSession s, CustomerErasure person) throws SQLException {
        PersonalData.deleteEach(s, "DELETE FROM kpi_complaint WHERE customer_id = ?", person.customerIds());
    }
}
