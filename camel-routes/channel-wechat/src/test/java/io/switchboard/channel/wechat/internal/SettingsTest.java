package io.switchboard.channel.wechat.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;

class SettingsTest {

    static final String KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    static final URI API = URI.create("https://api.weixin.qq.com");

    static Settings settings(String account, String token, String appId, String secret, String key, Settings.Mode mode) {
        return new Settings(account, token, appId, secret, key, mode, API, 65_536, 60, 6000, null);
    }

    @Test
    void aTypoFailsActivationNotEveryPush() {
        assertThrows(IllegalArgumentException.class, () -> settings("main/x", "tok", "", "", "", Settings.Mode.PLAIN));
        assertThrows(IllegalArgumentException.class, () -> settings("main", "令牌", "", "", "", Settings.Mode.PLAIN));
        assertThrows(IllegalArgumentException.class, () -> settings("main", "tok", "wx1", "", "short", Settings.Mode.SAFE));
        assertThrows(IllegalArgumentException.class, () -> settings("main", "tok", "", "", KEY, Settings.Mode.COMPATIBLE));
        assertThrows(IllegalArgumentException.class, () -> new Settings("main", "tok", "", "", "", Settings.Mode.PLAIN,
                URI.create("ftp://x"), 65_536, 60, 6000, null));
        assertThrows(IllegalArgumentException.class, () -> new Settings("main", "tok", "", "", "", Settings.Mode.PLAIN,
                API, 10, 60, 6000, null));
    }

    @Test
    void whatIsMissingDecidesWhatRuns() {
        Settings bare = settings("main", "", "", "", "", Settings.Mode.PLAIN);
        assertFalse(bare.canReceive());
        assertFalse(bare.canSend());
        assertNull(bare.cipher());
        Settings full = settings(" main ", "tok3n", "wx1", "s3cret", KEY, Settings.Mode.SAFE);
        assertEquals("main", full.account());
        assertTrue(full.canReceive());
        assertTrue(full.canSend());
        assertTrue(full.cipher() != null);
    }

    @Test
    void secretsStayOutOfTheLog() {
        String shown = settings("main", "tok3n", "wx1", "s3cretValue", KEY, Settings.Mode.SAFE).toString();
        assertFalse(shown.contains("tok3n") || shown.contains("s3cretValue") || shown.contains(KEY), shown);
        assertTrue(shown.contains("wx1"), shown);
    }
}
