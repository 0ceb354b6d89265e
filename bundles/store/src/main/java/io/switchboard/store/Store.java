package io.switchboard.store;

import java.sql.SQLException;

/** The platform database, registered as an OSGi service once its schema is migrated. */
@org.osgi.annotation.versioning.ProviderType
public interface Store {

    /**
     * Runs {@code work} in one database transaction: committed if it returns, rolled back if it
     * throws. Do no bus I/O inside; send after the commit.
     *
     * @throws StoreException wrapping the SQL failure
     */
    <T> T inTransaction(Work<T> work);

    /**
     * Brings a plugin's own tables up to date with its Liquibase changelog (a resource of
     * {@code loader}). Safe to call at every activation; concurrent callers wait on Liquibase's lock.
     */
    void migrate(String changelog, ClassLoader loader);

    /** Whether a connection can be had and answers now. */
    boolean isReachable();

    @FunctionalInterface
    interface Work<T> {
        T run(StoreSession session) throws SQLException;
    }
}
