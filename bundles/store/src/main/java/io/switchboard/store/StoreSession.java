package io.switchboard.store;

import java.sql.Connection;

/** What one transaction sees. Valid only inside {@link Store#inTransaction}. */
@org.osgi.annotation.versioning.ProviderType
public interface StoreSession {

    Customers customers();

    Conversations conversations();

    Messages messages();

    Timeline timeline();

    Agents agents();

    /** The transaction's connection, for a plugin's own tables; never commit or close it. */
    Connection connection();
}
