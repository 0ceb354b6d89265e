package io.switchboard.secrets.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretFilesTest {

    @Test
    void declaredPasswordsAndPasswordAndSecretKeysInClearAreTheOnesToMove() {
        Map<String, Object> wechat = Map.of("account", "main", "token", "demoToken", "appSecret", "s3cr3t-微信",
                "encodingAesKey", "$[secret:io.switchboard.channel.wechat.encodingAesKey]", "appId", "wx1", "maxBodyBytes", 65536);
        assertEquals(Map.of("token", "demoToken", "appSecret", "s3cr3t-微信"),
                SecretFiles.inClear(wechat, Set.of("token", "appSecret", "encodingAesKey")),
                "a secret already named by reference stays; what metatype does not call a password stays");

        Map<String, Object> any = Map.of("password", "pw", "secret.shop-app", "k", "user", "switchboard-bus",
                "secret.empty", " ", "url", "amqp://127.0.0.1:61616", "passwordHint", "ask the admin");
        assertEquals(Map.of("password", "pw", "secret.shop-app", "k"), SecretFiles.inClear(any, Set.of()),
                "password and secret.* are secrets in every configuration; blank ones are left");
    }

    @Test
    void aSecretsFileIsNamedAfterItsConfigurationAndKey() {
        assertEquals("io.switchboard.channel.wechat.appSecret", SecretFiles.fileName("io.switchboard.channel.wechat", "appSecret"));
        assertEquals("org.ops4j.datasource_switchboard.password", SecretFiles.fileName("org.ops4j.datasource~switchboard", "password"));
        assertEquals("a_b.secret.shop_app", SecretFiles.fileName("a/b", "secret.shop app"), "never a path");
    }

    @Test
    void aSecretIsWrittenWholeForTheServersUserOnly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("secrets/io.switchboard.channel.voice.secret");
        SecretFiles.write(file, "第一个");
        SecretFiles.write(file, "the second, replacing it");
        assertEquals("the second, replacing it", Files.readString(file, StandardCharsets.UTF_8));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (var left = Files.list(file.getParent())) {
            assertEquals(1, left.count(), "no partial file left behind");
        }
    }

    /**
     * A file-backed configuration's secrets are set in its file, replaced whole, so file install never reads
     * a half-written file (which once emptied the booking connector's configuration at a first start).
     */
    @Test
    void aCfgFileGetsItsReferencesInOneMoveWithEverythingElseKept(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("io.switchboard.system.booking.cfg");
        String original = String.join("\n",
                "# The booking connector: 机场的订票系统",
                "endpoint = http://booking.example:8093/api",
                "apiKey = plain-api-key-0123456789",
                "  webhookSecret:long-\\",
                "    continued-secret",
                "# webhookSecret = an old one, in a comment",
                "maxClockSkewSeconds = 300",
                "");
        java.nio.file.Files.writeString(cfg, original, java.nio.charset.StandardCharsets.UTF_8);

        assertTrue(SecretFiles.rewrite(cfg, java.util.Map.of(
                "apiKey", "$[secret:io.switchboard.system.booking.apiKey]",
                "webhookSecret", "$[secret:io.switchboard.system.booking.webhookSecret]")));

        assertEquals(String.join("\n",
                "# The booking connector: 机场的订票系统",
                "endpoint = http://booking.example:8093/api",
                "apiKey = $[secret:io.switchboard.system.booking.apiKey]",
                "webhookSecret = $[secret:io.switchboard.system.booking.webhookSecret]",
                "# webhookSecret = an old one, in a comment",
                "maxClockSkewSeconds = 300",
                ""), java.nio.file.Files.readString(cfg, java.nio.charset.StandardCharsets.UTF_8));
        try (var left = java.nio.file.Files.list(dir)) {
            assertEquals(java.util.List.of(cfg), left.toList(), "a part file was left behind");
        }
    }

    @Test
    void aKeyTheFileDoesNotHaveLeavesTheFileAlone(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("x.cfg");
        java.nio.file.Files.writeString(cfg, "password = set-elsewhere\n", java.nio.charset.StandardCharsets.UTF_8);
        assertFalse(SecretFiles.rewrite(cfg, java.util.Map.of("password", "$[secret:x.password]", "secret.app", "$[secret:x.secret.app]")));
        assertEquals("password = set-elsewhere\n", java.nio.file.Files.readString(cfg, java.nio.charset.StandardCharsets.UTF_8));
    }
}
