package io.switchboard.store;

import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * What a bundle keeps about customers in tables of its own (deliveries, devices, dialogues, work
 * orders), registered as an OSGi service so that erasing a customer, and the retention period of
 * closed conversations, reach it: the core calls every registered one inside the erasing (or
 * purging) transaction, before it deletes its own rows. A bundle that keeps personal data and
 * registers none leaves it behind.
 */
@ConsumerType
public interface PersonalData {

    /**
     * Deletes what this bundle keeps of the person, in the erasure's transaction; a failure rolls the
     * whole erasure back, so a person is erased everywhere or nowhere.
     */
    void erase(StoreSession s, CustomerErasure person) throws SQLException;

    /**
     * Deletes what this bundle keeps of {@code conversationIds}, closed conversations past the
     * retention period, in the transaction that purges them: what was said in them and sent for
     * them (deliveries, mails, attachments, dialogues). What belongs to the customer rather than to
     * one conversation (their addresses, devices, work orders) stays, as the customer does. Called
     * before the core deletes the conversations' messages, so a bundle may still find its rows
     * through {@code sb_message}; may be called again for ids already gone (several nodes purge).
     * A failure rolls the page back; it is tried again on the next sweep.
     *
     * <p>Does nothing by default: for a bundle whose tables hold nothing of single conversations.
     *
     * @since 1.5
     */
    default void expire(StoreSession s, List<String> conversationIds) throws SQLException {
    }

    /** Runs {@code sql}, a statement with one parameter, once for each of {@code values}. */
    static void deleteEach(StoreSession s, String sql, Collection<String> values) throws SQLException {
        io.switchboard.store.internal.Batches.each(s.connection(), sql, values);
    }
}
