package io.switchboard.conversation.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.ChannelAddress;
import io.switchboard.api.Customer;
import io.switchboard.api.DomainEvent;
import io.switchboard.api.Ids;
import io.switchboard.api.Staff;
import io.switchboard.api.TimelineEntry;
import io.switchboard.bus.Bus;
import io.switchboard.conversation.CustomerDirectory;
import io.switchboard.store.CustomerErasure;
import io.switchboard.store.IdentityChange;
import io.switchboard.store.PersonalData;
import io.switchboard.store.Store;
import io.switchboard.store.Timeline;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link CustomerDirectory} over the store; identity changes are announced on {@code sb.events}. */
final class Directory implements CustomerDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(Directory.class);

    static final int MAX_PAGE = 200;

    private final Store store;
    private final Bus bus;
    private final CanonicalJson json;
    private final Supplier<List<PersonalData>> personalData;
    private final Reach reach;

    /** With no other bundle's grants: the core's own rules. */
    Directory(Store store, Bus bus, CanonicalJson json, Supplier<List<PersonalData>> personalData) {
        this(store, bus, json, personalData, new Reach(List::of));
    }

    Directory(Store store, Bus bus, CanonicalJson json, Supplier<List<PersonalData>> personalData, Reach reach) {
        this.store = store;
        this.bus = bus;
        this.json = json;
        this.personalData = personalData;
        this.reach = reach;
    }

    @Override
    public void require(String customerId, Staff who) {
        store.inTransaction(s -> {
            reach.requireCustomer(s, customerId, who);
            return null;
        });
    }

    @Override
    public void erase(String customerId, String operator) {
        // the person's messages leave the broker's queues before anything leaves the tables: a broker that
        // cannot be asked fails the erasure (503) with the person whole, and it can be asked for again
        CustomerErasure found = store.inTransaction(s -> s.customers().erasure(customerId)).orElseThrow(() -> notFound(customerId));
        int fromQueues = bus.removeWaiting(groups(found));
        CustomerErasure person = store.inTransaction(s -> {
            CustomerErasure p = s.customers().erasure(customerId).orElseThrow(() -> notFound(customerId));
            for (PersonalData data : personalData.get()) {
                data.erase(s, p);
            }
            s.customers().erase(p);
            try (PreparedStatement ps = s.connection().prepareStatement(
                    "INSERT INTO sb_erasure (customer_id, operator, erased_at, customers, conversations) VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, customerId);
                ps.setString(2, operator == null ? "?" : operator);
                ps.setObject(3, Instant.now().atOffset(ZoneOffset.UTC));
                ps.setInt(4, p.customerIds().size());
                ps.setInt(5, p.conversationIds().size());
                ps.executeUpdate();
            }
            return p;
        });
        // once more, for what reached a queue meanwhile: a reply sent, a message dead-lettered, a conversation
        // opened. The person is no longer in the tables to be asked for again, so a broker gone since is told
        // to the operator instead of failing an erasure that is done.
        Set<String> groups = groups(found);
        groups.addAll(groups(person));
        try {
            fromQueues += bus.removeWaiting(groups);
        } catch (RuntimeException e) {
            LOG.warn("customer {} erased by {}, but the broker's queues could not be cleared a second time ({}): "
                    + "their messages that reached a queue during the erasure may still wait there", customerId, operator, e.getMessage());
        }
        LOG.info("customer {} erased by {}: {} customer records, {} addresses, {} conversations, in {} bundles' tables, "
                + "{} messages from the broker's queues", customerId, operator, person.customerIds().size(), person.addresses().size(),
                person.conversationIds().size(), personalData.get().size() + 1, fromQueues);
    }

    /**
     * The message groups the person's messages have on the bus: their conversations, and their addresses
     * as {@code sb.inbound} groups a message before it has a conversation.
     */
    static Set<String> groups(CustomerErasure person) {
        Set<String> groups = new LinkedHashSet<>(person.conversationIds());
        for (ChannelAddress address : person.addresses()) {
            groups.add(address.toString());
        }
        return groups;
    }

    @Override
    public Customer customer(String id) {
        return store.inTransaction(s -> s.customers().byId(id).orElseThrow(() -> notFound(id)));
    }

    @Override
    public Customer update(Customer customer) {
        return store.inTransaction(s -> {
            s.customers().update(customer);
            return s.customers().byId(customer.id()).orElseThrow();
        });
    }

    @Override
    public Timeline.Page timeline(String customerId, String before, int limit) {
        int size = Math.max(1, Math.min(limit, MAX_PAGE));
        return store.inTransaction(s -> s.timeline().page(customerId, before, size));
    }

    @Override
    public void record(TimelineEntry entry) {
        store.inTransaction(s -> {
            s.customers().byId(entry.customerId()).orElseThrow(() -> notFound(entry.customerId()));
            s.timeline().record(entry);
            return null;
        });
    }

    @Override
    public Customer link(String customerId, ChannelAddress address, boolean verified, String operator) {
        Customer linked = store.inTransaction(s -> {
            s.customers().byId(customerId).orElseThrow(() -> notFound(customerId));
            s.customers().link(customerId, address, verified, operator);
            return s.customers().byId(customerId).orElseThrow();
        });
        announce(DomainEvent.CUSTOMER_LINKED, linked.id(), Map.of("channel", address.channel(),
                "address", address.address(), "verified", String.valueOf(verified), "operator", nz(operator)));
        return linked;
    }

    @Override
    public String merge(String sourceId, String targetId, String operator, String reason) {
        String mergeId = store.inTransaction(s -> s.customers().merge(sourceId, targetId, operator, reason));
        announce(DomainEvent.CUSTOMER_MERGED, targetId, Map.of("sourceId", sourceId, "targetId", targetId,
                "mergeId", mergeId, "operator", nz(operator)));
        return mergeId;
    }

    @Override
    public void unmerge(String mergeId, String operator, String reason) {
        String[] pair = store.inTransaction(s -> {
            String[] joined = {null, null};
            // read before undoing: afterwards nothing on the customer row names the merge
            try (var ps = s.connection().prepareStatement("SELECT id, merged_into FROM sb_customer WHERE merge_id = ?")) {
                ps.setString(1, mergeId);
                try (var rs = ps.executeQuery()) {
                    if (rs.next()) {
                        joined[0] = rs.getString(1);
                        joined[1] = rs.getString(2);
                    }
                }
            }
            s.customers().unmerge(mergeId, operator, reason);
            return joined;
        });
        announce(DomainEvent.CUSTOMER_UNMERGED, pair[0], Map.of("sourceId", pair[0], "targetId", nz(pair[1]),
                "mergeId", mergeId, "operator", nz(operator)));
    }

    @Override
    public List<IdentityChange> history(String customerId) {
        return store.inTransaction(s -> {
            s.customers().byId(customerId).orElseThrow(() -> notFound(customerId));
            return s.customers().history(customerId);
        });
    }

    private void announce(String type, String customerId, Map<String, String> data) {
        DomainEvent event = new DomainEvent(type + ":" + Ids.newId(), type, Desk.now(), null, customerId, data);
        bus.publish(BusAddress.EVENTS, json.toJson(event), event.busProperties());
    }

    private static String nz(String value) {
        return value == null ? "" : value;
    }

    private static NoSuchElementException notFound(String id) {
        return new NoSuchElementException("no customer " + id);
    }
}
