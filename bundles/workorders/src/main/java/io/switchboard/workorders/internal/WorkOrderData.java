package io.switchboard.workorders.internal;

import io.switchboard.store.CustomerErasure;
import io.switchboard.store.PersonalData;
import io.switchboard.store.StoreSession;
import java.sql.SQLException;

/** What work orders keep of a person: their orders, with the details, photos, history and notices that describe them and their home. */
final class WorkOrderData implements PersonalData {

    @Override
    public void erase(StoreSession s, CustomerErasure person) throws SQLException {
        for (String sql : new String[] {
                "DELETE FROM wo_attachment WHERE work_order_id IN (SELECT id FROM wo_order WHERE customer_id = ?)",
                "DELETE FROM wo_change WHERE work_order_id IN (SELECT id FROM wo_order WHERE customer_id = ?)",
                "DELETE FROM wo_notice WHERE work_order_id IN (SELECT id FROM wo_order WHERE customer_id = ?)",
                "DELETE FROM wo_notice WHERE customer_id = ?",
                "DELETE FROM wo_order WHERE customer_id = ?"}) {
            PersonalData.deleteEach(s, sql, person.customerIds());
        }
    }
}
