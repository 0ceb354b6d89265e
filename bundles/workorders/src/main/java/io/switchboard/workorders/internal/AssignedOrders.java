package io.switchboard.workorders.internal;

import io.switchboard.api.Staff;
import io.switchboard.conversation.CustomerGrant;
import io.switchboard.store.Store;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * A work order assigned to someone lets them reach its customer: a field worker sees the contact
 * details they travel to and answers the customer in their conversations, without a desk role.
 */
final class AssignedOrders implements CustomerGrant {

    private final Store store;

    AssignedOrders(Store store) {
        this.store = store;
    }

    @Override
    public boolean grants(Staff who, String customerId) {
        return store.inTransaction(s -> {
            try (PreparedStatement ps = s.connection().prepareStatement(
                    "SELECT 1 FROM wo_order WHERE assignee = ? AND customer_id = ?")) {
                ps.setString(1, who.user());
                ps.setString(2, customerId);
                ps.setMaxRows(1);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }
}
