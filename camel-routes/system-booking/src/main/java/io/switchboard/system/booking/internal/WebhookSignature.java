package io.switchboard.system.booking.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How the booking system signs a webhook: {@code X-Booking-Timestamp} (Unix seconds) and
 * {@code X-Booking-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>}. The
 * timestamp is inside the signature, so a captured request cannot be replayed after the allowed
 * clock skew; within it, a replay is the same event id and changes nothing.
 */
final class WebhookSignature {

    static final String TIMESTAMP = "X-Booking-Timestamp";
    static final String SIGNATURE = "X-Booking-Signature";

    private final byte[] secret;
    private final Duration maxSkew;

    WebhookSignature(String secret, Duration maxSkew) {
        this.secret = (secret == null ? "" : secret).getBytes(StandardCharsets.UTF_8);
        this.maxSkew = maxSkew;
    }

    /** The value a sender puts in {@link #SIGNATURE}. */
    String sign(String timestamp, byte[] body) {
        return "sha256=" + HexFormat.of().formatHex(mac(timestamp, body));
    }

    /** @return null if genuine and fresh, else why not (the 401's detail) */
    String refuse(String timestamp, String signature, byte[] body, Instant now) {
        if (secret.length == 0) {
            return "no webhookSecret is configured (etc/io.switchboard.system.booking.cfg): every event is refused";
        }
        if (timestamp == null || signature == null) {
            return "the " + TIMESTAMP + " and " + SIGNATURE + " headers are required";
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            return TIMESTAMP + " must be Unix seconds";
        }
        if (Duration.between(Instant.ofEpochSecond(seconds), now).abs().compareTo(maxSkew) > 0) {
            return TIMESTAMP + " is more than " + maxSkew.toSeconds() + " s away from the server's clock";
        }
        if (!signature.startsWith("sha256=")) {
            return SIGNATURE + " must be sha256=<hex>";
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(signature.substring(7).strip());
        } catch (IllegalArgumentException e) {
            return SIGNATURE + " must be sha256=<hex>";
        }
        return MessageDigest.isEqual(given, mac(timestamp.strip(), body)) ? null : "the signature does not match";
    }

    private byte[] mac(String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) '.');
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
