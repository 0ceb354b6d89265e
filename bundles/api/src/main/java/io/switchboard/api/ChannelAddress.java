package io.switchboard.api;

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
        // a missing field of a request is the caller's mistake (400), not the server's (a NullPointerException's 500)
        if (value == null) {
            throw new IllegalArgumentException(name + " is required");
        }
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
