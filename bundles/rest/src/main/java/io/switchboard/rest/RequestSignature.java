package io.switchboard.rest;

import io.switchboard.store.Nonces;
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
 * signature, so a captured request replays only within the allowed clock skew, and within it a
 * genuine request is taken once ({@link #firstTime}): its signature is claimed in the shared
 * {@link Nonces}, on every node and across restarts. The body is checked as the bytes received, never
 * re-serialised, since any re-encoding (of Chinese text above all) would change what was signed.
 * Senders differ only in their header names and in where the secret is configured.
 */
public final class RequestSignature {

    /** 256 bits: a shorter shared secret can be guessed offline from one captured request. */
    public static final int MIN_SECRET_BYTES = 32;

    private final String timestampHeader;
    private final String signatureHeader;
    private final String noSecretReason;
    private final byte[] secret;
    private final Duration maxSkew;
    private final Nonces taken;
    private final String scope;

    /**
     * Checks signatures and freshness only: {@link #firstTime} cannot be used.
     *
     * @deprecated a request is accepted as often as it is sent within its window; use the constructor
     *     with {@link Nonces}
     */
    @Deprecated
    public RequestSignature(String timestampHeader, String signatureHeader, String noSecretReason, String secret,
            Duration maxSkew) {
        this("unnamed", timestampHeader, signatureHeader, noSecretReason, secret, maxSkew, null);
    }

    /**
     * @param sender who signs (voice, logistics, …): the scope its requests are taken once in
     * @param noSecretReason what every request is refused with while no secret is configured (name
     *     the setting and its file, so the 401 tells an operator what to fix)
     * @param secret the shared secret; null or empty refuses every request
     * @param taken where the requests taken so far are kept
     * @throws IllegalArgumentException when the secret is shorter than {@link #MIN_SECRET_BYTES}, so
     *     a weak setting fails the component at configuration time instead of being used
     */
    public RequestSignature(String sender, String timestampHeader, String signatureHeader, String noSecretReason,
            String secret, Duration maxSkew, Nonces taken) {
        this.timestampHeader = timestampHeader;
        this.signatureHeader = signatureHeader;
        this.noSecretReason = noSecretReason;
        this.secret = secret == null ? new byte[0] : secret.strip().getBytes(StandardCharsets.UTF_8);
        if (this.secret.length > 0 && this.secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the secret for " + signatureHeader + " is " + this.secret.length
                    + " bytes; at least " + MIN_SECRET_BYTES + " are required (e.g. openssl rand -hex 32)");
        }
        this.maxSkew = maxSkew;
        this.taken = taken;
        this.scope = "hmac:" + sender;
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

    /**
     * Takes a request {@link #refuse} found genuine: true the first time, false for the same signed
     * request again (a capture replayed, or the sender's own retry of a request that was taken), which
     * a sender is answered as done with nothing queued again. The claim lasts as long as the
     * timestamp is accepted.
     *
     * @throws io.switchboard.store.StoreException when the database cannot say (answer 503)
     */
    public boolean firstTime(String timestamp, String signature) {
        if (taken == null) {
            throw new IllegalStateException("this RequestSignature was made without Nonces");
        }
        return taken.claim(scope, nonce(signature), Instant.ofEpochSecond(Long.parseLong(timestamp.strip())).plus(maxSkew));
    }

    /** Gives a {@link #firstTime} claim back when the request was not taken after all (the bus was away). */
    public void giveBack(String signature) {
        if (taken == null) {
            throw new IllegalStateException("this RequestSignature was made without Nonces");
        }
        taken.release(scope, nonce(signature));
    }

    private static String nonce(String signature) {
        // the MAC covers timestamp and body: equal MACs are the same request
        return signature.strip().substring(7).toLowerCase(java.util.Locale.ROOT);
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
