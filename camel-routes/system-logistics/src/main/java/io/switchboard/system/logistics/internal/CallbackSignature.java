package io.switchboard.system.logistics.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How the courier company signs a callback: {@code X-Logistics-Timestamp} (Unix seconds) and
 * {@code X-Logistics-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>}.
 * The timestamp is inside the signature, so a captured callback replays only within the allowed
 * clock skew; the body is taken as the bytes received, never re-serialised, since any re-encoding
 * (of Chinese text above all) would change what was signed.
 */
final class CallbackSignature {

    static final String TIMESTAMP = "X-Logistics-Timestamp";
    static final String SIGNATURE = "X-Logistics-Signature";

    private final byte[] secret;
    private final Duration maxSkew;

    CallbackSignature(String secret, Duration maxSkew) {
        this.secret = secret == null ? new byte[0] : secret.getBytes(StandardCharsets.UTF_8);
        this.maxSkew = maxSkew;
    }

    /** The header value a sender puts in {@link #SIGNATURE}. */
    String sign(String timestamp, byte[] body) {
        return "sha256=" + HexFormat.of().formatHex(mac(timestamp, body));
    }

    /** @return null if genuine and fresh, else why not (the 401's detail) */
    String refuse(String timestamp, String signature, byte[] body, Instant now) {
        if (secret.length == 0) {
            return "no callbackSecret is configured (etc/io.switchboard.system.logistics.cfg): every callback is refused";
        }
        if (timestamp == null || timestamp.isBlank() || signature == null || signature.isBlank()) {
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
        String value = signature.strip();
        if (!value.startsWith("sha256=")) {
            return SIGNATURE + " must be sha256=<hex>";
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(value.substring(7).toLowerCase());
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
