package io.switchboard.store;

import io.switchboard.api.ChannelAddress;
import io.switchboard.api.Customer;
import java.sql.SQLException;
import java.util.Optional;

/** One customer, however many channel addresses lead to them. */
public interface Customers {

    Optional<Customer> byId(String id) throws SQLException;

    Optional<Customer> byAddress(ChannelAddress address) throws SQLException;

    /** The customer {@code address} belongs to, created (as a STANDARD customer) on first contact. */
    Customer forAddress(ChannelAddress address, String displayName) throws SQLException;
}
