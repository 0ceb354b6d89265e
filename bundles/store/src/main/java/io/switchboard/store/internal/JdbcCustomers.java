package io.switchboard.store.internal;

import io.switchboard.api.ChannelAddress;
import io.switchboard.api.Customer;
import io.switchboard.api.Ids;
import io.switchboard.store.CustomerErasure;
import io.switchboard.store.Customers;
import io.switchboard.store.IdentityChange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

final class JdbcCustomers implements Customers {

    /** Channels whose addresses are phone numbers: one number is one person on all of them. */
    static final Set<String> TELEPHONE_CHANNELS = Set.of("sms", "voice", "whatsapp");
    /** A merge chain longer than this is a corrupt database, not a customer. */
    private static final int MAX_CHAIN = 64;

    private final Connection connection;

    JdbcCustomers(Connection connection) {
        this.connection = connection;
    }

    /**
     * What an address shares with sibling channels, or null: a phone number on a telephone channel,
     * reduced to its digits and leading plus so "+86 138-0013-8000" and "+8613800138000" meet.
     */
    static String identityOf(ChannelAddress address) {
        if (TELEPHONE_CHANNELS.contains(address.channel())) {
            String digits = address.address().replaceAll("[^0-9+]", "");
            return digits.length() >= 5 ? "tel:" + digits : null;
        }
        if ("email".equals(address.channel())) {
            return "mailto:" + address.address().toLowerCase(Locale.ROOT);
        }
        return null;
    }

    private record Row(String id, String name, Customer.Tier tier, List<String> tags, String preferredChannel,
                       String mergedInto, String mergeId) {
    }

    private Optional<Row> row(String id) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT id, name, tier, tags, preferred_channel, merged_into, merge_id FROM sb_customer WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String tags = rs.getString("tags");
                return Optional.of(new Row(rs.getString("id"), rs.getString("name"),
                        Customer.Tier.valueOf(rs.getString("tier")),
                        tags == null || tags.isEmpty() ? List.of() : Arrays.asList(tags.split(",")),
                        rs.getString("preferred_channel"), rs.getString("merged_into"), rs.getString("merge_id")));
            }
        }
    }

    /** The survivor {@code id} was merged into, following the chain; itself if never merged. */
    private Optional<Row> root(String id) throws SQLException {
        Optional<Row> row = row(id);
        for (int i = 0; row.isPresent() && row.get().mergedInto() != null; i++) {
            if (i > MAX_CHAIN) {
                throw new SQLException("merge chain of customer " + id + " does not end");
            }
            row = row(row.get().mergedInto());
        }
        return row;
    }

    @Override
    public Optional<Customer> byId(String id) throws SQLException {
        Optional<Row> root = root(id);
        if (root.isEmpty()) {
            return Optional.empty();
        }
        Row r = root.get();
        return Optional.of(new Customer(r.id(), r.name(), r.tier(), r.tags(), addresses(groupOf(r.id())),
                r.preferredChannel()));
    }

    @Override
    public List<String> group(String id) throws SQLException {
        Optional<Row> root = root(id);
        return root.isEmpty() ? List.of() : groupOf(root.get().id());
    }

    private List<String> groupOf(String rootId) throws SQLException {
        Set<String> group = new LinkedHashSet<>(List.of(rootId));
        List<String> frontier = List.of(rootId);
        while (!frontier.isEmpty() && group.size() < 10_000) {
            List<String> next = new ArrayList<>();
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT id FROM sb_customer WHERE merged_into IN (" + marks(frontier.size()) + ")")) {
                bind(ps, 1, frontier);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (group.add(rs.getString(1))) {
                            next.add(rs.getString(1));
                        }
                    }
                }
            }
            frontier = next;
        }
        return List.copyOf(group);
    }

    private List<ChannelAddress> addresses(Collection<String> customerIds) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT channel, address FROM sb_channel_address"
                + " WHERE customer_id IN (" + marks(customerIds.size()) + ") ORDER BY created_at, channel, address")) {
            bind(ps, 1, customerIds);
            try (ResultSet rs = ps.executeQuery()) {
                List<ChannelAddress> result = new ArrayList<>();
                while (rs.next()) {
                    result.add(new ChannelAddress(rs.getString(1), rs.getString(2)));
                }
                return result;
            }
        }
    }

    private Optional<String> owner(ChannelAddress address) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT customer_id FROM sb_channel_address WHERE channel = ? AND address = ?")) {
            ps.setString(1, address.channel());
            ps.setString(2, address.address());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    @Override
    public Optional<Customer> byAddress(ChannelAddress address) throws SQLException {
        Optional<String> owner = owner(address);
        return owner.isPresent() ? byId(owner.get()) : Optional.empty();
    }

    @Override
    public Customer forAddress(ChannelAddress address, String displayName) throws SQLException {
        Optional<Customer> known = byAddress(address);
        if (known.isPresent()) {
            return known.get();
        }
        Instant now = Instant.now();
        String identity = identityOf(address);
        Optional<String> sibling = identity == null ? Optional.empty() : verifiedHolder(identity);
        if (sibling.isPresent()) {
            // the same phone number on another telephone channel: the carrier vouches for both
            if (insertAddress(address, sibling.get(), identity, now)) {
                change(IdentityChange.Action.LINK, sibling.get(), null, address.toString(), null, "channel",
                        "same " + identity.substring(0, identity.indexOf(':')) + " as a known address", now);
            }
            return byAddress(address).orElseThrow();
        }
        String id = Ids.newId();
        // Two first messages from one address can race; the loser's insert hits the primary key of
        // the address, rolls back and takes the winner's customer.
        boolean created = Sql.insertOnce(connection, () -> {
            try (PreparedStatement customer = connection.prepareStatement("INSERT INTO sb_customer"
                    + " (id, name, tier, tags, preferred_channel, created_at) VALUES (?, ?, ?, '', ?, ?)")) {
                customer.setString(1, id);
                customer.setString(2, displayName);
                customer.setString(3, Customer.Tier.STANDARD.name());
                customer.setString(4, address.channel());
                Sql.setInstant(customer, 5, now);
                customer.executeUpdate();
            }
            insertAddressRow(address, id, identity, now);
        });
        return created ? byId(id).orElseThrow() : byAddress(address).orElseThrow();
    }

    private Optional<String> verifiedHolder(String identity) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT customer_id FROM sb_channel_address"
                + " WHERE identity = ? AND verified = ? ORDER BY created_at")) {
            ps.setMaxRows(1);
            ps.setString(1, identity);
            ps.setBoolean(2, true);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private boolean insertAddress(ChannelAddress address, String customerId, String identity, Instant at)
            throws SQLException {
        return Sql.insertOnce(connection, () -> insertAddressRow(address, customerId, identity, at));
    }

    private void insertAddressRow(ChannelAddress address, String customerId, String identity, Instant at)
            throws SQLException {
        try (PreparedStatement link = connection.prepareStatement("INSERT INTO sb_channel_address"
                + " (channel, address, customer_id, created_at, identity, verified) VALUES (?, ?, ?, ?, ?, ?)")) {
            link.setString(1, address.channel());
            link.setString(2, address.address());
            link.setString(3, customerId);
            Sql.setInstant(link, 4, at);
            link.setString(5, identity);
            link.setBoolean(6, true);
            link.executeUpdate();
        }
    }

    @Override
    public void update(Customer customer) throws SQLException {
        Row root = root(customer.id()).orElseThrow(() -> new java.util.NoSuchElementException("no customer " + customer.id()));
        for (String tag : customer.tags()) {
            if (tag.contains(",")) {
                throw new IllegalArgumentException("a tag may not contain a comma: " + tag);
            }
        }
        try (PreparedStatement ps = connection.prepareStatement(
                "UPDATE sb_customer SET name = ?, tier = ?, tags = ?, preferred_channel = ? WHERE id = ?")) {
            ps.setString(1, customer.name());
            ps.setString(2, customer.tier().name());
            ps.setString(3, String.join(",", customer.tags()));
            ps.setString(4, customer.preferredChannel());
            ps.setString(5, root.id());
            ps.executeUpdate();
        }
    }

    @Override
    public void link(String customerId, ChannelAddress address, boolean verified, String operator) throws SQLException {
        if (!verified) {
            throw new IllegalArgumentException("only a verified address is linked: an unverified one could join two people");
        }
        Row root = root(customerId).orElseThrow(() -> new java.util.NoSuchElementException("no customer " + customerId));
        Optional<String> owner = owner(address);
        if (owner.isPresent()) {
            if (groupOf(root.id()).contains(owner.get())) {
                return;
            }
            throw new IllegalStateException(address + " belongs to customer " + owner.get() + "; merge the two instead");
        }
        Instant now = Instant.now();
        if (!insertAddress(address, root.id(), identityOf(address), now)) {
            throw new IllegalStateException(address + " was just linked to another customer");
        }
        change(IdentityChange.Action.LINK, root.id(), null, address.toString(), null, operator, "verified by " + operator, now);
    }

    @Override
    public String merge(String sourceId, String targetId, String operator, String reason) throws SQLException {
        Row source = row(sourceId).orElseThrow(() -> new java.util.NoSuchElementException("no customer " + sourceId));
        Row target = row(targetId).orElseThrow(() -> new java.util.NoSuchElementException("no customer " + targetId));
        if (source.mergedInto() != null) {
            throw new IllegalStateException("customer " + sourceId + " is already merged into " + source.mergedInto());
        }
        if (target.mergedInto() != null) {
            throw new IllegalStateException("customer " + targetId + " is merged into " + target.mergedInto()
                    + "; merge into that one");
        }
        if (source.id().equals(target.id())) {
            throw new IllegalArgumentException("a customer cannot be merged into itself");
        }
        String mergeId = Ids.newId();
        try (PreparedStatement ps = connection.prepareStatement(
                "UPDATE sb_customer SET merged_into = ?, merge_id = ? WHERE id = ? AND merged_into IS NULL")) {
            ps.setString(1, target.id());
            ps.setString(2, mergeId);
            ps.setString(3, source.id());
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("customer " + sourceId + " was merged meanwhile");
            }
        }
        change(IdentityChange.Action.MERGE, source.id(), target.id(), null, mergeId, operator, reason, Instant.now());
        return mergeId;
    }

    @Override
    public void unmerge(String mergeId, String operator, String reason) throws SQLException {
        String source;
        String target;
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT id, merged_into FROM sb_customer WHERE merge_id = ? AND merged_into IS NOT NULL")) {
            ps.setString(1, mergeId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new java.util.NoSuchElementException("no merge " + mergeId + " in effect");
                }
                source = rs.getString(1);
                target = rs.getString(2);
            }
        }
        try (PreparedStatement ps = connection.prepareStatement(
                "UPDATE sb_customer SET merged_into = NULL, merge_id = NULL WHERE id = ? AND merge_id = ?")) {
            ps.setString(1, source);
            ps.setString(2, mergeId);
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("merge " + mergeId + " was undone meanwhile");
            }
        }
        change(IdentityChange.Action.UNMERGE, source, target, null, mergeId, operator, reason, Instant.now());
    }

    @Override
    public Optional<CustomerErasure> erasure(String id) throws SQLException {
        if (row(id).isEmpty()) {
            return Optional.empty();
        }
        List<String> ids = new ArrayList<>(group(id));
        if (!ids.contains(id)) {
            ids.add(id);
        }
        Set<ChannelAddress> addresses = new LinkedHashSet<>();
        List<String> conversations = new ArrayList<>();
        for (String customer : ids) {
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT channel, address FROM sb_channel_address WHERE customer_id = ?")) {
                ps.setString(1, customer);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        addresses.add(new ChannelAddress(rs.getString(1), rs.getString(2)));
                    }
                }
            }
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT id, channel, address FROM sb_conversation WHERE customer_id = ?")) {
                ps.setString(1, customer);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        conversations.add(rs.getString(1));
                        // an address the customer was later unlinked from still named them here
                        addresses.add(new ChannelAddress(rs.getString(2), rs.getString(3)));
                    }
                }
            }
        }
        return Optional.of(new CustomerErasure(ids, List.copyOf(addresses), conversations));
    }

    @Override
    public void erase(CustomerErasure person) throws SQLException {
        for (String conversation : person.conversationIds()) {
            delete("DELETE FROM sb_message WHERE conversation_id = ?", conversation);
            // what waits to be sent to them is not sent after they are gone
            delete("DELETE FROM sb_outbox WHERE body LIKE ?", JdbcConversations.inOutbox(conversation));
        }
        for (String customer : person.customerIds()) {
            delete("DELETE FROM sb_message WHERE customer_id = ?", customer);
            delete("DELETE FROM sb_timeline_event WHERE customer_id = ?", customer);
            delete("DELETE FROM sb_identity_change WHERE customer_id = ?", customer);
            delete("DELETE FROM sb_identity_change WHERE other_customer_id = ?", customer);
            delete("DELETE FROM sb_conversation WHERE customer_id = ?", customer);
            delete("DELETE FROM sb_channel_address WHERE customer_id = ?", customer);
        }
        for (String customer : person.customerIds()) {
            delete("DELETE FROM sb_customer WHERE id = ?", customer);
        }
    }

    private void delete(String sql, String value) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, value);
            ps.executeUpdate();
        }
    }

    @Override
    public List<IdentityChange> history(String customerId) throws SQLException {
        List<String> ids = new ArrayList<>(group(customerId));
        if (!ids.contains(customerId)) {
            ids.add(customerId);
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT id, action, customer_id, other_customer_id,"
                + " detail, merge_id, operator, reason, changed_at FROM sb_identity_change WHERE customer_id IN ("
                + marks(ids.size()) + ") OR other_customer_id IN (" + marks(ids.size()) + ") ORDER BY changed_at, id")) {
            bind(ps, 1, ids);
            bind(ps, 1 + ids.size(), ids);
            try (ResultSet rs = ps.executeQuery()) {
                List<IdentityChange> result = new ArrayList<>();
                while (rs.next()) {
                    result.add(new IdentityChange(rs.getString("id"), IdentityChange.Action.valueOf(rs.getString("action")),
                            rs.getString("customer_id"), rs.getString("other_customer_id"), rs.getString("detail"),
                            rs.getString("merge_id"), rs.getString("operator"), rs.getString("reason"),
                            Sql.instant(rs, "changed_at")));
                }
                return result;
            }
        }
    }

    private void change(IdentityChange.Action action, String customerId, String otherId, String detail, String mergeId,
                        String operator, String reason, Instant at) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO sb_identity_change (id, action,"
                + " customer_id, other_customer_id, detail, merge_id, operator, reason, changed_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, Ids.newId());
            ps.setString(2, action.name());
            ps.setString(3, customerId);
            ps.setString(4, otherId);
            ps.setString(5, detail);
            ps.setString(6, mergeId);
            ps.setString(7, operator);
            ps.setString(8, reason == null ? null : reason.length() > 1000 ? reason.substring(0, 1000) : reason);
            Sql.setInstant(ps, 9, at);
            ps.executeUpdate();
        }
    }

    static String marks(int n) {
        return String.join(", ", java.util.Collections.nCopies(Math.max(1, n), "?"));
    }

    static void bind(PreparedStatement ps, int first, Collection<String> values) throws SQLException {
        int i = first;
        for (String v : values) {
            ps.setString(i++, v);
        }
        if (values.isEmpty()) {
            ps.setString(i, null);
        }
    }
}
