package io.switchboard.flows.internal;

import io.switchboard.api.DomainEvent;
import io.switchboard.store.Store;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The connected systems' state, from the {@code system.down} and {@code system.up} events every
 * connector publishes, kept in {@code flow_system} so a restart of this bundle remembers an outage.
 * Built from events rather than by asking each connector, so a third party's connector shows up
 * here without serving HTTP of its own.
 */
final class Systems {

    private final Store store;

    Systems(Store store) {
        this.store = store;
    }

    void follow(DomainEvent event) {
        String system = event.data().get("system");
        if (system == null || system.isBlank()) {
            return;
        }
        Instant at = event.time() == null ? Instant.now() : event.time();
        if (DomainEvent.SYSTEM_DOWN.equals(event.type())) {
            put(system, SystemStatus.DOWN, parse(event.data().get("since"), at), event.data().get("reason"), at);
        } else if (DomainEvent.SYSTEM_UP.equals(event.type())) {
            put(system, SystemStatus.UP, at, null, at);
        }
    }

    private static Instant parse(String text, Instant otherwise) {
        try {
            return text == null ? otherwise : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return otherwise;
        }
    }

    private void put(String system, String state, Instant since, String reason, Instant at) {
        String cut = reason == null || reason.length() <= 1000 ? reason : reason.substring(0, 1000);
        store.inTransaction(s -> {
            try (PreparedStatement ps = s.connection().prepareStatement(
                    "update flow_system set state=?, since=?, reason=?, updated_at=? where system_name=? and updated_at<=?")) {
                ps.setString(1, state);
                ps.setTimestamp(2, Timestamp.from(since));
                ps.setString(3, cut);
                ps.setTimestamp(4, Timestamp.from(at));
                ps.setString(5, system);
                ps.setTimestamp(6, Timestamp.from(at));
                if (ps.executeUpdate() > 0 || status(s.connection(), system).isPresent()) {
                    // updated, or an older event came late: the newer state stands
                    return null;
                }
            }
            try (PreparedStatement ps = s.connection().prepareStatement(
                    "insert into flow_system (system_name, state, since, reason, updated_at) values (?,?,?,?,?)")) {
                ps.setString(1, system);
                ps.setString(2, state);
                ps.setTimestamp(3, Timestamp.from(since));
                ps.setString(4, cut);
                ps.setTimestamp(5, Timestamp.from(at));
                ps.executeUpdate();
            }
            return null;
        });
    }

    Optional<SystemStatus> status(String system) {
        return store.inTransaction(s -> status(s.connection(), system));
    }

    List<SystemStatus> all() {
        return store.inTransaction(s -> {
            List<SystemStatus> all = new ArrayList<>();
            try (PreparedStatement ps = s.connection().prepareStatement(
                    "select system_name, state, since, reason, updated_at from flow_system order by system_name");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    all.add(row(rs));
                }
            }
            return all;
        });
    }

    private static Optional<SystemStatus> status(java.sql.Connection c, String system) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "select system_name, state, since, reason, updated_at from flow_system where system_name=?")) {
            ps.setString(1, system);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    private static SystemStatus row(ResultSet rs) throws SQLException {
        return new SystemStatus(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(), rs.getString(4),
                rs.getTimestamp(5).toInstant());
    }
}
