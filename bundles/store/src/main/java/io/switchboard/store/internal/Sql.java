package io.switchboard.store.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Instants in and out of {@code timestamp with time zone}, the same way on H2 and PostgreSQL. */
final class Sql {

    /** SQLSTATE of a unique or primary key violation, on both databases. */
    static final String UNIQUE_VIOLATION = "23505";

    private Sql() {
    }

    static void setInstant(PreparedStatement ps, int index, Instant value) throws SQLException {
        if (value == null) {
            ps.setObject(index, null);
        } else {
            ps.setObject(index, value.atOffset(ZoneOffset.UTC));
        }
    }

    /** One statement that may break a unique constraint. */
    @FunctionalInterface
    interface Insert {
        void run() throws SQLException;
    }

    /**
     * Runs {@code insert} unless its row is already there, judged by the constraints rather than a
     * look-up first, so it also holds when two transactions race. PostgreSQL aborts a transaction
     * on a failed statement, hence the savepoint.
     *
     * @return false if a unique constraint said the row exists (nothing was changed)
     */
    static boolean insertOnce(java.sql.Connection connection, Insert insert) throws SQLException {
        java.sql.Savepoint savepoint = connection.setSavepoint();
        try {
            insert.run();
            connection.releaseSavepoint(savepoint);
            return true;
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
            connection.rollback(savepoint);
            return false;
        }
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
