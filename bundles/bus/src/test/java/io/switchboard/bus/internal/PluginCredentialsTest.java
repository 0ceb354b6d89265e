package io.switchboard.bus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class PluginCredentialsTest {

    @Test
    void thePasswordIsTheHmacOfTheUserKeyedWithThePlatformPassword() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("platform-secret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac.doFinal("plugin.acme-channel".getBytes(StandardCharsets.UTF_8)));
        assertEquals(expected, PluginCredentials.password("platform-secret", "acme-channel"));
        assertEquals(43, expected.length());
        assertEquals("plugin.acme-channel", PluginCredentials.user("acme-channel"));
    }

    @Test
    void eachPluginAndEachPlatformPasswordGivesAnotherPassword() {
        String probe = PluginCredentials.password("platform-secret", "probe");
        assertNotEquals(probe, PluginCredentials.password("platform-secret", "probe2"));
        assertNotEquals(probe, PluginCredentials.password("other-secret", "probe"));
        assertEquals(probe, PluginCredentials.password("platform-secret", "probe"));
    }

    @Test
    void aMalformedIdOrAMissingPlatformPasswordIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> PluginCredentials.password("s", "Acme"));
        assertThrows(IllegalArgumentException.class, () -> PluginCredentials.password("s", "a"));
        assertThrows(IllegalArgumentException.class, () -> PluginCredentials.password("s", "x.y"));
        assertThrows(IllegalArgumentException.class, () -> PluginCredentials.password("s", null));
        assertThrows(IllegalStateException.class, () -> PluginCredentials.password("", "probe"));
        assertThrows(IllegalStateException.class, () -> PluginCredentials.password(null, "probe"));
    }
}
