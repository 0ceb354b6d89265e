package io.switchboard.channel.voice.internal;

import io.switchboard.rest.SourceRate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.CanonicalJson;
import io.switchboard.api.ChannelAddress;
import io.switchboard.api.ContentPart;
import io.switchboard.api.Message;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CallEventsTest {

    final CallSignature signature = new CallSignature("s3cret-共享", Duration.ofMinutes(5));
    final byte[] body = "{\"callId\":\"c-1\",\"event\":\"offered\",\"ani\":\"+8613800138000\",\"queue\":\"宽带\"}"
            .getBytes(StandardCharsets.UTF_8);

    @Test
    void aSignedFreshEventIsGenuineAndAnythingElseIsRefusedWithTheReason() {
        Instant now = Instant.parse("2026-11-23T09:00:00Z");
        String ts = String.valueOf(now.getEpochSecond());
        String sig = signature.sign(ts, body);
        assertTrue(sig.matches("sha256=[0-9a-f]{64}"), sig);
        assertNull(signature.refuse(ts, sig, body, now));
        assertNull(signature.refuse(ts, sig, body, now.plusSeconds(299)));

        byte[] tampered = new String(body, StandardCharsets.UTF_8).replace("宽带", "账单").getBytes(StandardCharsets.UTF_8);
        assertEquals("the signature does not match", signature.refuse(ts, sig, tampered, now));
        assertTrue(signature.refuse(ts, sig, body, now.plusSeconds(301)).contains("away from the server's clock"));
        String otherTime = String.valueOf(now.getEpochSecond() + 1);
        assertEquals("the signature does not match", signature.refuse(otherTime, sig, body, now), "the time is signed too");
        assertTrue(signature.refuse(null, sig, body, now).contains("required"));
        assertTrue(signature.refuse(ts, "md5=00", body, now).contains("sha256="));
        assertTrue(new CallSignature("", Duration.ofMinutes(5)).refuse(ts, sig, body, now).contains("no secret"));
    }

    @Test
    void aSourceGetsItsRateAndThenWaits() {
        SourceRate rate = new SourceRate(3);
        long t = 1_000_000;
        assertEquals(0, rate.waitSeconds("10.0.0.1", t));
        assertEquals(0, rate.waitSeconds("10.0.0.1", t));
        assertEquals(0, rate.waitSeconds("10.0.0.1", t));
        assertEquals(20, rate.waitSeconds("10.0.0.1", t), "one more token every 20 s");
        assertEquals(0, rate.waitSeconds("10.0.0.2", t), "another source has its own bucket");
        assertEquals(0, rate.waitSeconds("10.0.0.1", t + 20_000));
    }

    @Test
    void anEventBecomesACanonicalMessageWhoseRetryIsTheSameMessage() {
        CanonicalJson json = new CanonicalJson();
        CallEvents.CallEvent event = json.fromJson(new String(body, StandardCharsets.UTF_8), CallEvents.CallEvent.class);
        Message m = CallEvents.toMessage(event);
        assertEquals(new ChannelAddress("voice", "+8613800138000"), m.address());
        assertEquals(ContentPart.Kind.EVENT, m.parts().get(0).kind());
        assertEquals("call.offered", m.parts().get(0).name());
        assertEquals("宽带", m.headers().get("queue"));
        assertEquals("voice:c-1:offered", m.deduplicationId());
        assertEquals(m.id(), CallEvents.toMessage(event).id());

        assertEquals("+8613800138000", CallEvents.toMessage(new CallEvents.CallEvent("c-2", "ended",
                "+86 138-0013-8000", null, null, null, null, null)).address().address());
        assertThrows(IllegalArgumentException.class,
                () -> CallEvents.toMessage(new CallEvents.CallEvent("c-3", "ringing", "+861", null, null, null, null, null)));
        assertThrows(IllegalArgumentException.class,
                () -> CallEvents.toMessage(new CallEvents.CallEvent("c 4", "offered", "+8613800138000", null, null, null, null, null)));
        assertThrows(IllegalArgumentException.class,
                () -> CallEvents.toMessage(new CallEvents.CallEvent("c-5", "offered", "anonymous", null, null, null, null, null)));
    }
}
