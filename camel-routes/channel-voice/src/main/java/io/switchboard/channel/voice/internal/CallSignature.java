package io.switchboard.channel.voice.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How a PBX or CTI signs a call event: {@code X-Switchboard-Timestamp} (Unix seconds) and
 * {@code X-Switchboard-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>}. The
 * timestamp inside the signature bounds how long a captured request can be replayed.
 */
final class CallSignature {

    static final String TIMESTAMP = "X-Switchboard-Timestamp";
    static final String SIGNATURE = "X-Switchboard-Signature";

    private final byte[] secret;
    private final Duration maxSkew;

    CallSignature(String secret, Duration maxSkew) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.maxSkew = maxSkew;
    }

    /** The header value a sender puts in {@link #SIGNATURE}. */
    String sign(String timestamp, byte[] body) {
        return "sha256=" + HexFormat.of().formatHex(mac(timestamp, body));
    }

    /** @return null if genuine and fresh, else why not (for the 401's detail) */
    String refuse(String timestamp, String signature, byte[] body, Instant now) {
        if (secret.length == 0) {
            return "no secret is configured for call events (etc/io.switchboard.channel.voice.cfg)";
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
