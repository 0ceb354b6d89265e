package io.switchboard.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.store.Nonces;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class RequestSignatureTest {

    static final String SECRET = "s3cret-共享-0123456789abcdef-0123";
    /** The claims so far, as the database keeps them (DatabaseNoncesTest tests that one). */
    final Map<String, Instant> claims = new HashMap<>();
    final Nonces nonces = new Nonces() {
        @Override
        public boolean claim(String scope, String nonce, Instant until) {
            return claims.putIfAbsent(scope + "|" + nonce, until) == null;
        }

        @Override
        public void release(String scope, String nonce) {
            claims.remove(scope + "|" + nonce);
        }
    };
    final RequestSignature signature = courier(SECRET);
    final byte[] body = "{\"callId\":\"c-1\",\"event\":\"offered\",\"ani\":\"+8613800138000\",\"queue\":\"宽带\"}"
            .getBytes(StandardCharsets.UTF_8);
    final Instant now = Instant.parse("2026-11-23T09:00:00Z");
    final String ts = String.valueOf(now.getEpochSecond());

    @Test
    void aSignatureIsTheHmacOfTheTimestampADotAndTheRawBytes() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] expected = mac.doFinal((ts + ".").concat(new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        String sig = signature.sign(ts, body);
        assertTrue(sig.matches("sha256=[0-9a-f]{64}"), sig);
        assertEquals("sha256=" + HexFormat.of().formatHex(expected), sig);
    }

    @Test
    void aSignedFreshRequestIsGenuineAndAnythingElseIsRefusedWithTheReason() {
        String sig = signature.sign(ts, body);
        assertNull(signature.refuse(ts, sig, body, now));
        assertNull(signature.refuse(ts, sig, body, now.plusSeconds(299)));
        assertNull(signature.refuse(ts, sig, body, now.minusSeconds(299)));
        assertNull(signature.refuse(" " + ts + " ", " " + sig.toUpperCase().replace("SHA256=", "sha256=") + " ", body, now),
                "hex in either case, whitespace around the values");

        byte[] tampered = new String(body, StandardCharsets.UTF_8).replace("宽带", "账单").getBytes(StandardCharsets.UTF_8);
        assertEquals("the signature does not match", signature.refuse(ts, sig, tampered, now));
        assertEquals("the signature does not match", signature.refuse(String.valueOf(now.getEpochSecond() + 1), sig, body, now),
                "the time is signed too");
        assertEquals("the signature does not match", courier("another-secret-0123456789abcdef-0123456789").refuse(ts, sig, body, now));
        assertEquals("X-Courier-Timestamp is more than 300 s away from the server's clock",
                signature.refuse(ts, sig, body, now.plusSeconds(301)));
        assertTrue(signature.refuse(ts, sig, body, now.minusSeconds(301)).contains("away from the server's clock"));
        assertEquals("the X-Courier-Timestamp and X-Courier-Signature headers are required", signature.refuse(null, sig, body, now));
        assertTrue(signature.refuse(ts, " ", body, now).contains("required"));
        assertEquals("X-Courier-Timestamp must be Unix seconds", signature.refuse("2026-11-23T09:00:00Z", sig, body, now));
        assertEquals("X-Courier-Signature must be sha256=<hex>", signature.refuse(ts, "md5=00", body, now));
        assertEquals("X-Courier-Signature must be sha256=<hex>", signature.refuse(ts, "sha256=不是十六进制", body, now));
    }

    @Test
    void withoutASecretEveryRequestIsRefusedWithTheHintWhereToSetIt() {
        String sig = signature.sign(ts, body);
        for (String none : new String[] {"", null}) {
            RequestSignature unset = courier(none);
            assertEquals("no courierSecret is configured (etc/courier.cfg)", unset.refuse(ts, sig, body, now));
        }
        assertEquals("X-Courier-Timestamp", signature.timestampHeader());
        assertEquals("X-Courier-Signature", signature.signatureHeader());
    }

    @Test
    void aGenuineRequestIsTakenOnceWithinItsWindowUnlessGivenBack() {
        String sig = signature.sign(ts, body);
        assertNull(signature.refuse(ts, sig, body, now));
        assertTrue(signature.firstTime(ts, sig));
        assertFalse(signature.firstTime(ts, sig), "the same signed request again");
        assertFalse(signature.firstTime(ts, " " + sig.toUpperCase().replace("SHA256=", "sha256=") + " "),
                "the same signature however it is written");
        assertEquals(now.plusSeconds(300), claims.get("hmac:courier|" + sig.substring(7)),
                "claimed while the timestamp is accepted, in the sender's own scope");

        String later = String.valueOf(now.getEpochSecond() + 1);
        assertTrue(signature.firstTime(later, signature.sign(later, body)), "the same body signed at another second");

        signature.giveBack(sig);
        assertTrue(signature.firstTime(ts, sig), "a request the bus did not take gets in when sent again");
    }

    @Test
    void aSecretShorterThan32BytesIsRefusedWhenConfigured() {
        IllegalArgumentException weak = assertThrows(IllegalArgumentException.class, () -> courier("sandbox-secret"));
        assertEquals("the secret for X-Courier-Signature is 14 bytes; at least 32 are required (e.g. openssl rand -hex 32)",
                weak.getMessage());
        assertThrows(IllegalArgumentException.class, () -> courier("共享密钥共享密钥共享"), "30 bytes of UTF-8");
        courier("共享密钥共享密钥共享密"); // 33 bytes
    }

    RequestSignature courier(String secret) {
        return new RequestSignature("courier", "X-Courier-Timestamp", "X-Courier-Signature",
                "no courierSecret is configured (etc/courier.cfg)", secret, Duration.ofMinutes(5), nonces);
    }
}
