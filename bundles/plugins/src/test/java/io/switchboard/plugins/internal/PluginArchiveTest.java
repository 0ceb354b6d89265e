package io.switchboard.plugins.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.plugins.PluginRefusedException;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import jdk.security.jarsigner.JarSigner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A KAR's signature and descriptor as the platform checks them, on KARs signed by the JDK's own jar signer. */
class PluginArchiveTest {

    static final String DESCRIPTOR = """
            {"id":"acme-channel","name":"Acme 渠道","vendor":"Acme Ltd","version":"1.0.1","licence":"Apache-2.0","price":"免费",
             "feature":"acme-channel","featuresRepository":"mvn:com.acme/acme-channel/1.0.1/xml/features",
             "requires":{"io.switchboard.api":"[1.0,2)"},"reads":["sb.outbound.acme"],"writes":["sb.inbound"],
             "hosts":["api.acme.example:443"],"configurations":["com.acme.channel"]}""";

    @TempDir
    static Path dir;
    static TrustedSigners trust;
    static Path ed25519;
    static Path rsa;
    static Path stranger;

    @BeforeAll
    static void keys() throws Exception {
        ed25519 = keystore("vendor-ed", "Ed25519");
        rsa = keystore("vendor-rsa", "RSA");
        stranger = keystore("stranger", "Ed25519");
        Path trusted = Files.createDirectories(dir.resolve("plugin-trust"));
        exportCertificate(ed25519, "vendor-ed", trusted.resolve("vendor-ed.pem"));
        exportCertificate(rsa, "vendor-rsa", trusted.resolve("vendor-rsa.crt"));
        Files.writeString(trusted.resolve("junk.pem"), "not a certificate");
        trust = new TrustedSigners(trusted);
    }

    static Path keystore(String alias, String algorithm) throws Exception {
        Path ks = dir.resolve(alias + ".p12");
        run(keytool(), "-genkeypair", "-keyalg", algorithm, "-alias", alias, "-dname", "CN=" + alias + ",O=Acme", "-validity", "30",
                "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", "changeit", "-keypass", "changeit");
        return ks;
    }

    static void exportCertificate(Path ks, String alias, Path to) throws Exception {
        run(keytool(), "-exportcert", "-rfc", "-alias", alias, "-keystore", ks.toString(), "-storepass", "changeit", "-file", to.toString());
    }

    static String keytool() {
        return Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    }

    static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
    }

    static Map<String, byte[]> entries(String descriptor) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("META-INF/switchboard-plugin.json", descriptor.getBytes(StandardCharsets.UTF_8));
        entries.put("repository/com/acme/acme-channel/1.0.1/acme-channel-1.0.1.jar", "a bundle".getBytes(StandardCharsets.UTF_8));
        entries.put("repository/com/acme/acme-channel/1.0.1/acme-channel-1.0.1-features.xml", "<features/>".getBytes(StandardCharsets.UTF_8));
        return entries;
    }

    static Path zip(String name, Map<String, byte[]> entries) throws IOException {
        Path file = dir.resolve(name);
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        return file;
    }

    static Path signed(String name, Path keystore, String alias) throws Exception {
        Path unsigned = zip("unsigned-" + name, entries(DESCRIPTOR));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(keystore.toFile())) {
            ks.load(in, "changeit".toCharArray());
        }
        PrivateKey key = (PrivateKey) ks.getKey(alias, "changeit".toCharArray());
        var chain = CertificateFactory.getInstance("X.509").generateCertPath(List.of(ks.getCertificateChain(alias)));
        Path signed = dir.resolve(name);
        try (ZipFile in = new ZipFile(unsigned.toFile()); var out = Files.newOutputStream(signed)) {
            new JarSigner.Builder(key, chain).build().sign(in, out);
        }
        return signed;
    }

    /** The same zip with {@code change} applied to its entries, signature files and all. */
    static Path rewritten(Path kar, String name, java.util.function.Consumer<Map<String, byte[]>> change) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(kar.toFile())) {
            for (var e : java.util.Collections.list(zip.entries())) {
                entries.put(e.getName(), zip.getInputStream(e).readAllBytes());
            }
        }
        change.accept(entries);
        return zip(name, entries);
    }

    @Test
    void aKarSignedWithATrustedEd25519KeyOpensWithItsDescriptor() throws Exception {
        PluginArchive archive = PluginArchive.open(signed("ed.kar", ed25519, "vendor-ed"), trust, false);
        assertTrue(archive.signer().contains("CN=vendor-ed"), archive.signer());
        assertEquals("acme-channel", archive.descriptor().id());
        assertEquals("Acme 渠道", archive.descriptor().name());
        assertEquals("免费", archive.descriptor().price());
        assertEquals(List.of("sb.outbound.acme"), archive.descriptor().reads());
        assertEquals(List.of("sb.inbound"), archive.descriptor().writes());
        assertEquals("[1.0,2)", archive.descriptor().requires().get("io.switchboard.api"));
        assertEquals(2, archive.repository().size());
        assertTrue(archive.repository().containsKey("com/acme/acme-channel/1.0.1/acme-channel-1.0.1.jar"));
    }

    @Test
    void rsaSignaturesAreTrustedToo() throws Exception {
        assertTrue(PluginArchive.open(signed("rsa.kar", rsa, "vendor-rsa"), trust, false).signer().contains("CN=vendor-rsa"));
    }

    @Test
    void anUnsignedKarIsRefusedUnlessUnsignedPluginsAreAllowed() throws Exception {
        Path kar = zip("plain.kar", entries(DESCRIPTOR));
        PluginRefusedException e = assertThrows(PluginRefusedException.class, () -> PluginArchive.open(kar, trust, false));
        assertTrue(e.getMessage().contains("not signed"), e.getMessage());
        PluginArchive allowed = PluginArchive.open(kar, trust, true);
        assertNull(allowed.signer());
        assertEquals("acme-channel", allowed.descriptor().id());
    }

    @Test
    void aChangedEntryIsNamed() throws Exception {
        Path kar = rewritten(signed("t1.kar", ed25519, "vendor-ed"), "tampered.kar", entries -> entries.put(
                "repository/com/acme/acme-channel/1.0.1/acme-channel-1.0.1.jar", "a bundle, changed".getBytes(StandardCharsets.UTF_8)));
        PluginRefusedException e = assertThrows(PluginRefusedException.class, () -> PluginArchive.open(kar, trust, false));
        assertTrue(e.getMessage().contains("changed after it was signed") && e.getMessage().contains("acme-channel-1.0.1.jar"), e.getMessage());
    }

    @Test
    void aChangedDescriptorIsRefusedEvenWithAllowUnsigned() throws Exception {
        Path kar = rewritten(signed("t2.kar", ed25519, "vendor-ed"), "tampered2.kar", entries -> entries.put(
                "META-INF/switchboard-plugin.json", DESCRIPTOR.replace("sb.inbound", "sb.outbound.sms").getBytes(StandardCharsets.UTF_8)));
        PluginRefusedException e = assertThrows(PluginRefusedException.class, () -> PluginArchive.open(kar, trust, true));
        assertTrue(e.getMessage().contains("switchboard-plugin.json"), e.getMessage());
    }

    @Test
    void anEntryAddedOrRemovedAfterSigningIsRefused() throws Exception {
        Path signed = signed("t3.kar", ed25519, "vendor-ed");
        Path added = rewritten(signed, "added.kar", entries -> entries.put("repository/evil/evil.jar", new byte[]{1, 2, 3}));
        PluginRefusedException a = assertThrows(PluginRefusedException.class, () -> PluginArchive.open(added, trust, false));
        assertTrue(a.getMessage().contains("repository/evil/evil.jar"), a.getMessage());
        Path removed = rewritten(signed, "removed.kar", entries -> entries.remove(
                "repository/com/acme/acme-channel/1.0.1/acme-channel-1.0.1-features.xml"));
        PluginRefusedException r = assertThrows(PluginRefusedException.class, () -> PluginArchive.open(removed, trust, false));
        assertTrue(r.getMessage().contains("features.xml is missing"), r.getMessage());
    }

    @Test
    void aSignerTheOperatorDoesNotTrustIsRefused() throws Exception {
        PluginRefusedException e = assertThrows(PluginRefusedException.class,
                () -> PluginArchive.open(signed("stranger.kar", stranger, "stranger"), trust, false));
        assertTrue(e.getMessage().contains("CN=stranger") && e.getMessage().contains("does not trust"), e.getMessage());
    }

    @Test
    void notAZipIsRefused() throws Exception {
        Path junk = Files.write(dir.resolve("junk.kar"), "hello".getBytes(StandardCharsets.UTF_8));
        assertThrows(PluginRefusedException.class, () -> PluginArchive.open(junk, trust, true));
    }

    @Test
    void descriptorMistakesNameTheirField() {
        PluginRefusedException id = assertThrows(PluginRefusedException.class,
                () -> Descriptors.parse(DESCRIPTOR.replace("\"id\":\"acme-channel\"", "\"id\":\"Acme Channel\"").getBytes(StandardCharsets.UTF_8)));
        assertTrue(id.getMessage().contains("\"id\""), id.getMessage());
        PluginRefusedException wildcard = assertThrows(PluginRefusedException.class,
                () -> Descriptors.parse(DESCRIPTOR.replace("[\"sb.inbound\"]", "[\"sb.#\"]").getBytes(StandardCharsets.UTF_8)));
        assertTrue(wildcard.getMessage().contains("\"writes\""), wildcard.getMessage());
        PluginRefusedException range = assertThrows(PluginRefusedException.class,
                () -> Descriptors.parse(DESCRIPTOR.replace("[1.0,2)", "one or two").getBytes(StandardCharsets.UTF_8)));
        assertTrue(range.getMessage().contains("\"requires\""), range.getMessage());
        PluginRefusedException missing = assertThrows(PluginRefusedException.class,
                () -> Descriptors.parse("{\"id\":\"x-y\",\"version\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(missing.getMessage().contains("\"featuresRepository\""), missing.getMessage());
    }
}
