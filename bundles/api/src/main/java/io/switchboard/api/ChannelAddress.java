package io.switchboard.api;

import java.util.Objects;

/**
 * Where a customer can be reached: a channel and the address on it (an OpenID, a phone number in
 * E.164, an email address, an app user id, a web-chat visitor id).
 */
public record ChannelAddress(String channel, String address) {

    public ChannelAddress {
        channel = requireText(channel, "channel");
        address = requireText(address, "address");
        if (!channel.matches("[a-z][a-z0-9-]{0,31}")) {
            throw new IllegalArgumentException("channel must be a lower-case name of at most 32 characters: " + channel);
        }
        if (address.length() > 512) {
            throw new IllegalArgumentException("address longer than 512 characters");
        }
    }

    static String requireText(String value, String name) {
        Objects.requireNonNull(value, name + " is required");
        String trimmed = value.strip();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return trimmed;
    }

    @Override
    public String toString() {
        return channel + ":" + address;
    }
}
