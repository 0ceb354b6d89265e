package io.switchboard.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testkit.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** No default login: the first start makes the admin, prints a generated password once, stores a hash. */
class FirstStartIT {

    @Test
    void withoutSbAdminPasswordAPasswordIsGeneratedPrintedOnceAndStoredHashed() throws Exception {
        TestServer server = Distribution.unpack("unused");
        Path users = server.home().resolve("etc/users.properties");
        assertFalse(Files.readString(users).contains("karaf ="), "a default karaf login ships");

        String first = runSetenv(server.home());
        Matcher m = Pattern.compile("Switchboard admin password \\(shown once\\): (\\S+)").matcher(first);
        assertTrue(m.find(), first);
        String password = m.group(1);
        assertTrue(password.length() >= 16, password);
        assertEquals("", runSetenv(server.home()).strip(), "the password was shown twice");

        String stored = Files.readString(users, StandardCharsets.UTF_8);
        assertFalse(stored.contains(password), "the password is stored in clear");
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8)));
        assertTrue(stored.contains("admin = {CRYPT}" + hash + "{CRYPT},_g_:admingroup"), stored);
        assertTrue(stored.contains("switchboard-bus = {CRYPT}"), stored);
        // the bus password is a file of its own, which the configuration only names
        assertTrue(Files.readString(server.home().resolve("etc/io.switchboard.bus.cfg"))
                .contains("password = $[secret:switchboard-bus.password]"));
        Path secret = server.home().resolve("etc/secrets/switchboard-bus.password");
        assertTrue(Files.readString(secret, StandardCharsets.UTF_8).matches("[A-Za-z0-9]{32}"));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(secret.getParent())));
    }

    /** bin/status sources bin/setenv, the first-start step included, and does not start anything. */
    static String runSetenv(Path home) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/status").toString()).directory(home.toFile()).redirectErrorStream(true);
        pb.environment().remove("SB_ADMIN_PASSWORD");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.lines().filter(l -> l.contains("Switchboard")).reduce("", (a, b) -> a + b + "\n");
    }
}
