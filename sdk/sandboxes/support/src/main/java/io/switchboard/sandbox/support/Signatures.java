package io.switchboard.sandbox.support;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** How the sandboxes sign what they push to a receiver's webhook, so a receiver can tell it is theirs. */
public final class Signatures {

    private Signatures() {
    }

    /**
     * {@code sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>}: the timestamp is inside the
     * signature so that a captured request cannot be replayed later with a fresh timestamp.
     */
    public static String hmacSha256(String secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) '.');
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
