package io.switchboard.kpis.internal;

import io.switchboard.store.CustomerErasure;
import io.switchboard.store.PersonalData;
import io.switchboard.store.StoreSession;
import java.sql.SQLException;
import java.util.List;

/** What the KPIs keep of a person: their complaints counted towards incidents (the incidents, with no person in them, stay). */
final class ComplaintData implements PersonalData {

    @Override
    public void erase(StoreSession s, CustomerErasure person) throws SQLException {
        PersonalData.deleteEach(s, "DELETE FROM kpi_complaint WHERE customer_id = ?", person.customerIds());
    }

    @Override
    public void expire(StoreSession s, List<String> conversationIds) throws SQLException {
        PersonalData.deleteEach(s, "DELETE FROM kpi_complaint WHERE conversation_id = ? AND (incident_id IS NULL"
                + " OR incident_id IN (SELECT id FROM kpi_incident WHERE closed_at IS NOT NULL))", conversationIds);
        // one counted in an incident still open stays, without its conversation: its customer is told when it closes
        PersonalData.deleteEach(s, "UPDATE kpi_complaint SET conversation_id = NULL WHERE conversation_id = ?", conversationIds);
    }
}
