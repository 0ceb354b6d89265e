package io.switchboard.store;

import io.switchboard.api.TimelineEntry;
import java.sql.SQLException;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A customer's history across channels: their messages (kept in the message table) and everything
 * else recorded here (calls, work orders, pushes, conversation steps), in one order.
 */
@ProviderType
public interface Timeline {

    /** Records a non-message entry; a repeat of the same id is ignored (events are redelivered). */
    void record(TimelineEntry entry) throws SQLException;

    /**
     * One page, newest first, of the customer's group (see {@link Customers#group}).
     *
     * @param before the {@link Page#next} of the previous page, or null for the newest
     */
    Page page(String customerId, String before, int limit) throws SQLException;

    /** @param next the cursor of the following (older) page, null at the end */
    record Page(List<TimelineEntry> entries, String next) {
    }
}
