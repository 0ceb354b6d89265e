package io.switchboard.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class RequestSignatureTest {

    static final String SECRET = "s3cret-共享";
    final RequestSignature signature = new RequestSignature("X-Courier-Timestamp", "X-Courier-Signature",
            "no courierSecret is configured (etc/courier.cfg)", SECRET, Duration.ofMinutes(5));
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
        assertEquals("the signature does not match", new RequestSignature("X-Courier-Timestamp", "X-Courier-Signature",
                "none", "another-secret", Duration.ofMinutes(5)).refuse(ts, sig, body, now));
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
            RequestSignature unset = new RequestSignature("X-Courier-Timestamp", "X-Courier-Signature",
                    "no courierSecret is configured (etc/courier.cfg)", none, Duration.ofMinutes(5));
            assertEquals("no courierSecret is configured (etc/courier.cfg)", unset.refuse(ts, sig, body, now));
        }
        assertEquals("X-Courier-Timestamp", signature.timestampHeader());
        assertEquals("X-Courier-Signature", signature.signatureHeader());
    }
}
