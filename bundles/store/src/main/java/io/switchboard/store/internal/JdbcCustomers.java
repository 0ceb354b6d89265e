package io.switchboard.store.internal;

import io.switchboard.api.ChannelAddress;
import io.switchboard.api.Customer;
import io.switchboard.api.Ids;
import io.switchboard.store.Customers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

final class JdbcCustomers implements Customers {

    private final Connection connection;

    JdbcCustomers(Connection connection) {
        this.connection = connection;
    }

    @Override
    public Optional<Customer> byId(String id) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT id, name, tier, tags, preferred_channel FROM sb_customer WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String tags = rs.getString("tags");
                return Optional.of(new Customer(rs.getString("id"), rs.getString("name"),
                        Customer.Tier.valueOf(rs.getString("tier")),
                        tags == null || tags.isEmpty() ? List.of() : Arrays.asList(tags.split(",")),
                        addresses(id), rs.getString("preferred_channel")));
            }
        }
    }

    private List<ChannelAddress> addresses(String customerId) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT channel, address FROM sb_channel_address WHERE customer_id = ? ORDER BY created_at, channel, address")) {
            ps.setString(1, customerId);
            try (ResultSet rs = ps.executeQuery()) {
                List<ChannelAddress> result = new ArrayList<>();
                while (rs.next()) {
                    result.add(new ChannelAddress(rs.getString(1), rs.getString(2)));
                }
                return result;
            }
        }
    }

    @Override
    public Optional<Customer> byAddress(ChannelAddress address) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT customer_id FROM sb_channel_address WHERE channel = ? AND address = ?")) {
            ps.setString(1, address.channel());
            ps.setString(2, address.address());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? byId(rs.getString(1)) : Optional.empty();
            }
        }
    }

    @Override
    public Customer forAddress(ChannelAddress address, String displayName) throws SQLException {
        Optional<Customer> known = byAddress(address);
        if (known.isPresent()) {
            return known.get();
        }
        String id = Ids.newId();
        Instant now = Instant.now();
        // Two first messages from one address can race; the loser's insert hits the primary key of
        // the address, rolls back to here and takes the winner's customer.
        Savepoint savepoint = connection.setSavepoint();
        try (PreparedStatement customer = connection.prepareStatement(
                "INSERT INTO sb_customer (id, name, tier, tags, preferred_channel, created_at) VALUES (?, ?, ?, '', ?, ?)");
             PreparedStatement link = connection.prepareStatement(
                     "INSERT INTO sb_channel_address (channel, address, customer_id, created_at) VALUES (?, ?, ?, ?)")) {
            customer.setString(1, id);
            customer.setString(2, displayName);
            customer.setString(3, Customer.Tier.STANDARD.name());
            customer.setString(4, address.channel());
            Sql.setInstant(customer, 5, now);
            customer.executeUpdate();
            link.setString(1, address.channel());
            link.setString(2, address.address());
            link.setString(3, id);
            Sql.setInstant(link, 4, now);
            link.executeUpdate();
            connection.releaseSavepoint(savepoint);
        } catch (SQLException e) {
            if (!Sql.UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
            connection.rollback(savepoint);
            return byAddress(address).orElseThrow(() -> e);
        }
        return byId(id).orElseThrow();
    }
}
