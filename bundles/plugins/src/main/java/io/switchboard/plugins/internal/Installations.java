package io.switchboard.plugins.internal;

import io.switchboard.store.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The plugins installed on this server, in the platform database (table plugin_installation). */
final class Installations {

    /** One row: what is installed, and what a rollback would return to. */
    record Row(String id, String version, String feature, String signer, Instant installedAt,
               String previousVersion, String previousConfig, String descriptor) {
    }

    private final Store store;

    Installations(Store store) {
        this.store = store;
    }

    Optional<Row> find(String id) {
        return store.inTransaction(s -> {
            try (PreparedStatement ps = s.connection().prepareStatement(
                    "select plugin_id, version, feature, signer, installed_at, previous_version, previous_config, "
                            + "descriptor from plugin_installation where plugin_id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(row(rs)) : Optional.<Row>empty();
                }
            }
        });
    }

    List<Row> all() {
        return store.inTransaction(s -> {
            List<Row> rows = new ArrayList<>();
            try (PreparedStatement ps = s.connection().prepareStatement(
                    "select plugin_id, version, feature, signer, installed_at, previous_version, previous_config, "
                            + "descriptor from plugin_installation order by plugin_id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(row(rs));
                }
            }
            return rows;
        });
    }

    /** Records {@code row} as what is installed now, and the operator's action in the history. */
    void put(Row row, String action, String fromVersion, String detail) {
        store.inTransaction(s -> {
            Connection c = s.connection();
            try (PreparedStatement del = c.prepareStatement("delete from plugin_installation where plugin_id = ?")) {
                del.setString(1, row.id());
                del.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("insert into plugin_installation (plugin_id, version, feature, signer, "
                    + "installed_at, previous_version, previous_config, descriptor) values (?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, row.id());
                ps.setString(2, row.version());
                ps.setString(3, row.feature());
                ps.setString(4, row.signer());
                ps.setObject(5, OffsetDateTime.ofInstant(row.installedAt(), ZoneOffset.UTC));
                ps.setString(6, row.previousVersion());
                ps.setString(7, row.previousConfig());
                ps.setString(8, row.descriptor());
                ps.executeUpdate();
            }
            history(c, row.id(), action, fromVersion, row.version(), detail);
            return null;
        });
    }

    void remove(String id, String version) {
        store.inTransaction(s -> {
            try (PreparedStatement del = s.connection().prepareStatement("delete from plugin_installation where plugin_id = ?")) {
                del.setString(1, id);
                del.executeUpdate();
            }
            history(s.connection(), id, "uninstall", version, null, null);
            return null;
        });
    }

    private static void history(Connection c, String id, String action, String from, String to, String detail) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into plugin_history (event_id, plugin_id, action, from_version, "
                + "to_version, at, detail) values (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, UUID.randomUUID().toString());
            ps.setString(2, id);
            ps.setString(3, action);
            ps.setString(4, from);
            ps.setString(5, to);
            ps.setObject(6, OffsetDateTime.now(ZoneOffset.UTC));
            ps.setString(7, detail == null || detail.length() <= 4000 ? detail : detail.substring(0, 4000));
            ps.executeUpdate();
        }
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getObject(5, OffsetDateTime.class).toInstant(), rs.getString(6), rs.getString(7), rs.getString(8));
    }
}
