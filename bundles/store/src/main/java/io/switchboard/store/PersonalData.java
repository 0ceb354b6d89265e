package io.switchboard.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * What a bundle keeps about customers in tables of its own (deliveries, devices, dialogues, work
 * orders), registered as an OSGi service so that erasing a customer reaches it: the core calls every
 * registered one inside the erasing transaction, before it deletes the customer itself. A bundle that
 * keeps personal data and registers none leaves it behind.
 */
@ConsumerType
public interface PersonalData {

    /**
     * Deletes what this bundle keeps of the person, in the erasure's transaction; a failure rolls the
     * whole erasure back, so a person is erased everywhere or nowhere.
     */
    void erase(StoreSession s, CustomerErasure person) throws SQLException;

    /** Runs {@code sql}, a statement with one parameter, once for each of {@code values}. */
    static void deleteEach(StoreSession s, String sql, Collection<String> values) throws SQLException {
        if (values.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = s.connection().prepareStatement(sql)) {
            for (String value : values) {
                ps.setString(1, value);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
