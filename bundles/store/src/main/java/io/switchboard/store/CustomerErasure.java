package io.switchboard.store;

import io.switchboard.api.ChannelAddress;
import java.util.List;

/**
 * One person as an erasure finds them: every customer record merged into one another, every address
 * they were known by and every conversation they had. What each {@link PersonalData} deletes by.
 *
 * @param customerIds     the customer and every customer merged with it
 * @param addresses       their channel addresses (phone numbers, visitor ids, OpenIDs, emails, app users)
 * @param conversationIds their conversations, open or closed
 */
public record CustomerErasure(List<String> customerIds, List<ChannelAddress> addresses, List<String> conversationIds) {

    public CustomerErasure {
        customerIds = List.copyOf(customerIds);
        addresses = List.copyOf(addresses);
        conversationIds = List.copyOf(conversationIds);
    }

    /** The addresses on {@code channel}, as that channel writes them. */
    public List<String> addressesOn(String channel) {
        return addresses.stream().filter(a -> a.channel().equals(channel)).map(ChannelAddress::address).toList();
    }
}
