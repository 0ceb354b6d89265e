package io.switchboard.sandbox.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SignaturesTest {

    private static final byte[] BODY = "{\"事件\":\"picked_up\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void signsTimestampDotBodyWithTheSecret() {
        // computed apart from this code: Python's hmac.new(secret, b"1700000000." + body, sha256)
        assertEquals("sha256=466515cfc3816dc0d140a4447a662eed8f7046639f596ce14ea44b9b4b216cfe",
                Signatures.hmacSha256("密钥s3cret", "1700000000", BODY));
    }

    @Test
    void anotherTimestampIsAnotherSignature() {
        assertNotEquals(Signatures.hmacSha256("密钥s3cret", "1700000000", BODY),
                Signatures.hmacSha256("密钥s3cret", "1700000001", BODY));
    }
}
