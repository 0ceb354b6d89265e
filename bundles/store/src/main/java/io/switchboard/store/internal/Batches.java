package io.switchboard.store.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;

/** Statements run once for each of many values, in one batch: what erasure and retention delete. */
public final class Batches {

    private Batches() {
    }

    /** Runs {@code sql}, a statement with one parameter, once for each of {@code values}. */
    public static void each(Connection connection, String sql, Collection<String> values) throws SQLException {
        if (values.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (String value : values) {
                ps.setString(1, value);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
