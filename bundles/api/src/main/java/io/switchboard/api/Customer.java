package io.switchboard.api;

import java.util.List;

/** One person, however many channels they use. */
public record Customer(String id, String name, Tier tier, List<String> tags, List<ChannelAddress> addresses,
                       String preferredChannel) {

    public enum Tier { STANDARD, VIP }

    public Customer {
        ChannelAddress.requireText(id, "id");
        tier = tier == null ? Tier.STANDARD : tier;
        tags = tags == null ? List.of() : List.copyOf(tags);
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
    }
}
