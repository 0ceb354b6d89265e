package io.switchboard.channel.voice.internal;

import io.switchboard.rest.RequestSignature;
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

    final byte[] body = "{\"callId\":\"c-1\",\"event\":\"offered\",\"ani\":\"+8613800138000\",\"queue\":\"宽带\"}"
            .getBytes(StandardCharsets.UTF_8);

    /** The signature itself is tested in bundles/rest (RequestSignatureTest); here, the PBX's headers and hint. */
    @Test
    void aPbxSignsWithTheSwitchboardHeadersAndWithoutASecretIsToldWhereToSetIt() {
        Instant now = Instant.parse("2026-11-23T09:00:00Z");
        String ts = String.valueOf(now.getEpochSecond());
        RequestSignature signature = VoiceChannel.signature("s3cret-共享-0123456789abcdef-0123", Duration.ofMinutes(5), null);
        assertEquals("X-Switchboard-Timestamp", signature.timestampHeader());
        assertEquals("X-Switchboard-Signature", signature.signatureHeader());
        assertNull(signature.refuse(ts, signature.sign(ts, body), body, now));
        assertTrue(VoiceChannel.signature("", Duration.ofMinutes(5), null).refuse(ts, signature.sign(ts, body), body, now)
                .contains("etc/io.switchboard.channel.voice.cfg"));
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
