package io.switchboard.store.internal;

import io.switchboard.api.CanonicalJson;
import io.switchboard.store.Conversations;
import io.switchboard.store.Agents;
import io.switchboard.store.Customers;
import io.switchboard.store.Timeline;
import io.switchboard.store.Messages;
import io.switchboard.store.Store;
import io.switchboard.store.StoreException;
import io.switchboard.store.StoreSession;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import liquibase.Scope;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The store over the DataSource pax-jdbc makes from {@code etc/org.ops4j.datasource-switchboard.cfg}.
 * The service appears only after the core schema is migrated, so nothing sees a half-made schema.
 */
@Component(service = Store.class)
public class JdbcStore implements Store {

    static final String CORE_CHANGELOG = "io/switchboard/store/db/changelog.xml";

    private final DataSource dataSource;
    private final CanonicalJson json = new CanonicalJson();

    @Activate
    public JdbcStore(@Reference(target = "(dataSourceName=switchboard)") DataSource dataSource) {
        this.dataSource = dataSource;
        migrate(CORE_CHANGELOG, JdbcStore.class.getClassLoader());
    }

    @Override
    public <T> T inTransaction(Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                T result = work.run(new Session(connection));
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new StoreException("database: " + e.getMessage(), e);
        }
    }

    /**
     * Plugins activate on several threads at boot. Liquibase's lock is a row in the database, and two
     * migrations of one JVM waiting on it through the same pool have been seen to wait on each other
     * for good; one at a time here, the database lock still guards against other servers.
     */
    private final Object migrations = new Object();

    @Override
    public void migrate(String changelog, ClassLoader loader) {
        synchronized (migrations) {
            migrateNow(changelog, loader);
        }
    }

    private void migrateNow(String changelog, ClassLoader loader) {
        Map<String, Object> scope = new HashMap<>();
        scope.put(Scope.Attr.resourceAccessor.name(), new ClassLoaderResourceAccessor(loader));
        scope.put(Scope.Attr.classLoader.name(), Database.class.getClassLoader());
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        // Liquibase finds its own services (databases, change types) through this loader.
        Thread.currentThread().setContextClassLoader(Database.class.getClassLoader());
        try (Connection connection = dataSource.getConnection()) {
            Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(connection));
            Scope.child(scope, () -> new CommandScope(UpdateCommandStep.COMMAND_NAME)
                    .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
                    .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, changelog)
                    .execute());
        } catch (Exception e) {
            throw new StoreException("migration " + changelog + " failed: " + e.getMessage(), e);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    @Override
    public boolean isReachable() {
        try (Connection connection = dataSource.getConnection(); Statement s = connection.createStatement()) {
            return s.execute("SELECT 1");
        } catch (SQLException e) {
            return false;
        }
    }

    private final class Session implements StoreSession {
        private final Connection connection;

        Session(Connection connection) {
            this.connection = connection;
        }

        @Override
        public Customers customers() {
            return new JdbcCustomers(connection);
        }

        @Override
        public Conversations conversations() {
            return new JdbcConversations(connection);
        }

        @Override
        public Messages messages() {
            return new JdbcMessages(connection, json);
        }

        @Override
        public Timeline timeline() {
            return new JdbcTimeline(connection, new JdbcCustomers(connection), json);
        }

        @Override
        public Agents agents() {
            return new JdbcAgents(connection);
        }

        @Override
        public Connection connection() {
            return connection;
        }
    }
}
