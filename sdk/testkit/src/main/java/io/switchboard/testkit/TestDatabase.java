package io.switchboard.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Assumptions;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A fresh, empty database for one test class: an H2 file database, or a new PostgreSQL database on
 * {@code 127.0.0.1:5432} dropped on close.
 *
 * <p>PostgreSQL tests must never pass by not running. Where the build sets
 * {@code SWITCHBOARD_POSTGRES=required} (CI does) an unreachable server fails the test; elsewhere it
 * aborts the test, which JUnit reports as skipped.
 */
public final class TestDatabase implements AutoCloseable {

    public enum Kind { H2, POSTGRESQL }

    static final String PG_HOST = System.getProperty("switchboard.postgres.host", "127.0.0.1");
    static final int PG_PORT = Integer.getInteger("switchboard.postgres.port", 5432);
    static final String PG_USER = System.getProperty("switchboard.postgres.user", "postgres");

    private final Kind kind;
    private final DataSource dataSource;
    private final Runnable cleanup;

    private TestDatabase(Kind kind, DataSource dataSource, Runnable cleanup) {
        this.kind = kind;
        this.dataSource = dataSource;
        this.cleanup = cleanup;
    }

    public static TestDatabase create(Kind kind) {
        return kind == Kind.H2 ? h2() : postgres();
    }

    public static TestDatabase h2() {
        try {
            Path dir = Files.createTempDirectory("sb-h2");
            JdbcDataSource ds = new JdbcDataSource();
            ds.setURL("jdbc:h2:file:" + dir.resolve("db") + ";DB_CLOSE_DELAY=-1");
            ds.setUser("sa");
            return new TestDatabase(Kind.H2, ds, () -> {
                try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                    s.execute("SHUTDOWN");
                } catch (SQLException ignored) {
                    // already closed
                }
                TestBroker.deleteTree(dir);
            });
        } catch (Exception e) {
            throw new IllegalStateException("H2 test database", e);
        }
    }

    public static TestDatabase postgres() {
        String admin = "jdbc:postgresql://" + PG_HOST + ":" + PG_PORT + "/postgres";
        String name = "sb_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        try (Connection c = DriverManager.getConnection(admin, PG_USER, "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " ENCODING 'UTF8' TEMPLATE template0");
        } catch (SQLException e) {
            String why = "PostgreSQL not reachable at " + admin + ": " + e.getMessage();
            if (postgresRequired()) {
                throw new IllegalStateException(why + " (this build requires it: SWITCHBOARD_POSTGRES=required)", e);
            }
            Assumptions.abort(why);
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {PG_HOST});
        ds.setPortNumbers(new int[] {PG_PORT});
        ds.setDatabaseName(name);
        ds.setUser(PG_USER);
        return new TestDatabase(Kind.POSTGRESQL, ds, () -> {
            try (Connection c = DriverManager.getConnection(admin, PG_USER, "");
                 Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } catch (SQLException ignored) {
                // left for the next clean-up; names are random
            }
        });
    }

    /** CI sets {@code SWITCHBOARD_POSTGRES=required} in the environment (or the system property). */
    static boolean postgresRequired() {
        String value = System.getProperty("switchboard.postgres", System.getenv("SWITCHBOARD_POSTGRES"));
        return "required".equals(value);
    }

    public Kind kind() {
        return kind;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** The JDBC URL of this database, for a server's or a route's own DataSource configuration. */
    public String jdbcUrl() {
        if (dataSource instanceof PGSimpleDataSource pg) {
            return pg.getURL();
        }
        return ((JdbcDataSource) dataSource).getURL();
    }

    @Override
    public void close() {
        cleanup.run();
    }
}
