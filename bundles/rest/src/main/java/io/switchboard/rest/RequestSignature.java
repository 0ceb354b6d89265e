package io.switchboard.rest;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How an outside system signs what it posts to Switchboard (a PBX's call events, a courier's
 * callbacks, a booking system's webhooks): a timestamp header (Unix seconds) and a signature header
 * {@code sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>}. The timestamp is inside the
 * signature, so a captured request replays only within the allowed clock skew. The body is checked
 * as the bytes received, never re-serialised, since any re-encoding (of Chinese text above all)
 * would change what was signed. Senders differ only in their header names and in where the secret
 * is configured.
 */
public final class RequestSignature {

    private final String timestampHeader;
    private final String signatureHeader;
    private final String noSecretReason;
    private final byte[] secret;
    private final Duration maxSkew;

    /**
     * @param noSecretReason what every request is refused with while no secret is configured (name
     *     the setting and its file, so the 401 tells an operator what to fix)
     * @param secret the shared secret; null or empty refuses every request
     */
    public RequestSignature(String timestampHeader, String signatureHeader, String noSecretReason, String secret,
            Duration maxSkew) {
        this.timestampHeader = timestampHeader;
        this.signatureHeader = signatureHeader;
        this.noSecretReason = noSecretReason;
        this.secret = secret == null ? new byte[0] : secret.getBytes(StandardCharsets.UTF_8);
        this.maxSkew = maxSkew;
    }

    public String timestampHeader() {
        return timestampHeader;
    }

    public String signatureHeader() {
        return signatureHeader;
    }

    /** The value a sender puts in the signature header. */
    public String sign(String timestamp, byte[] body) {
        return "sha256=" + HexFormat.of().formatHex(mac(timestamp, body));
    }

    /** @return null if genuine and fresh, else why not (for the 401's detail) */
    public String refuse(String timestamp, String signature, byte[] body, Instant now) {
        if (secret.length == 0) {
            return noSecretReason;
        }
        if (timestamp == null || timestamp.isBlank() || signature == null || signature.isBlank()) {
            return "the " + timestampHeader + " and " + signatureHeader + " headers are required";
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            return timestampHeader + " must be Unix seconds";
        }
        if (Duration.between(Instant.ofEpochSecond(seconds), now).abs().compareTo(maxSkew) > 0) {
            return timestampHeader + " is more than " + maxSkew.toSeconds() + " s away from the server's clock";
        }
        String value = signature.strip();
        if (!value.startsWith("sha256=")) {
            return signatureHeader + " must be sha256=<hex>";
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(value.substring(7));
        } catch (IllegalArgumentException e) {
            return signatureHeader + " must be sha256=<hex>";
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
