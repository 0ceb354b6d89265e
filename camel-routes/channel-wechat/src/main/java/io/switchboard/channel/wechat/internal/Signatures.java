package io.switchboard.channel.wechat.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * WeChat's signatures: {@code hex(sha1(the parts sorted and joined))}. Over token, timestamp and
 * nonce it is a push's {@code signature}; with the {@code Encrypt} element too, its
 * {@code msg_signature}.
 */
final class Signatures {

    private Signatures() {
    }

    static String sign(String... parts) {
        String[] sorted = parts.clone();
        Arrays.sort(sorted);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(String.join("", sorted).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }

    /** In constant time, so a forger learns nothing from how long a refusal takes. */
    static boolean matches(String given, String... parts) {
        if (given == null || Arrays.stream(parts).anyMatch(p -> p == null)) {
            return false;
        }
        return MessageDigest.isEqual(sign(parts).getBytes(StandardCharsets.US_ASCII),
                given.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8));
    }
}
