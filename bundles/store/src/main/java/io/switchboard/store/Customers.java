package io.switchboard.store;

import io.switchboard.api.ChannelAddress;
import io.switchboard.api.Customer;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One customer, however many channel addresses lead to them.
 *
 * <p>Merging never moves data: the merged customer points at the survivor, every read follows the
 * pointer, and an un-merge removes it, so the former state comes back exactly. Links across
 * channels are deterministic only: the same phone number on two telephone channels, or an address
 * an agent or channel has verified. There are no fuzzy matches.
 */
@ProviderType
public interface Customers {

    /** The customer as seen now: if {@code id} was merged, the survivor, with every merged address. */
    Optional<Customer> byId(String id) throws SQLException;

    Optional<Customer> byAddress(ChannelAddress address) throws SQLException;

    /**
     * The customer {@code address} belongs to. An unknown address joins the customer who has the same
     * verified identity on a sibling channel (a phone number seen on SMS and on a call), or else
     * makes a new STANDARD customer.
     */
    Customer forAddress(ChannelAddress address, String displayName) throws SQLException;

    /** {@code id} and every customer merged into it (directly or not): whose records are one timeline. */
    List<String> group(String id) throws SQLException;

    /** Changes name, tier, tags and preferred channel of the customer {@code customer.id()} resolves to. */
    void update(Customer customer) throws SQLException;

    /**
     * Gives the customer another address (an email they gave in chat, once verified).
     *
     * @throws IllegalStateException if the address belongs to another customer (merge them instead)
     */
    void link(String customerId, ChannelAddress address, boolean verified, String operator) throws SQLException;

    /**
     * Makes {@code sourceId} one with {@code targetId}.
     *
     * @return the merge's id, which {@link #unmerge} takes
     * @throws IllegalStateException if either is already merged away, or they are the same customer
     */
    String merge(String sourceId, String targetId, String operator, String reason) throws SQLException;

    /** Undoes the merge {@code mergeId}; the source customer is again exactly as it was. */
    void unmerge(String mergeId, String operator, String reason) throws SQLException;

    /** Merges, un-merges and links that touched the customer, oldest first. */
    List<IdentityChange> history(String customerId) throws SQLException;

    /** The person behind {@code id} as an erasure finds them; empty when there is no such customer. */
    Optional<CustomerErasure> erasure(String id) throws SQLException;

    /**
     * Deletes the person's profiles, addresses, identity history, conversations, messages and
     * timeline: the core's part of an erasure, after every {@link PersonalData} did its own.
     */
    void erase(CustomerErasure person) throws SQLException;
}
