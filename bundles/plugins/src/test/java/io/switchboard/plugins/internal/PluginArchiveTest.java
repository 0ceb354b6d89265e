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
        KeyStore ks = load(keystore);
        return signed(name, (PrivateKey) ks.getKey(alias, "changeit".toCharArray()), List.of(ks.getCertificateChain(alias)));
    }

    /** Signed with {@code key}, the signature block carrying {@code chain} as given: whatever its maker puts there. */
    static Path signed(String name, PrivateKey key, List<? extends java.security.cert.Certificate> chain) throws Exception {
        Path unsigned = zip("unsigned-" + name, entries(DESCRIPTOR));
        Path signed = dir.resolve(name);
        try (ZipFile in = new ZipFile(unsigned.toFile()); var out = Files.newOutputStream(signed)) {
            new JarSigner.Builder(key, CertificateFactory.getInstance("X.509").generateCertPath(chain)).build().sign(in, out);
        }
        return signed;
    }

    static KeyStore load(Path keystore) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(keystore.toFile())) {
            ks.load(in, "changeit".toCharArray());
        }
        return ks;
    }

    static PrivateKey privateKey(Path keystore, String alias) throws Exception {
        return (PrivateKey) load(keystore).getKey(alias, "changeit".toCharArray());
    }

    static java.security.cert.X509Certificate certificate(Path keystore, String alias) throws Exception {
        return (java.security.cert.X509Certificate) load(keystore).getCertificate(alias);
    }

    /** A key pair {@code alias} whose certificate the CA in {@code caKeystore} issues, with {@code extensions} as keytool -ext takes them. */
    static java.security.cert.X509Certificate issue(Path caKeystore, String caAlias, Path keystore, String alias, String... extensions)
            throws Exception {
        Path request = dir.resolve(alias + ".csr");
        Path issued = dir.resolve(alias + ".cer");
        run(keytool(), "-certreq", "-alias", alias, "-keystore", keystore.toString(), "-storepass", "changeit", "-file", request.toString());
        List<String> command = new java.util.ArrayList<>(List.of(keytool(), "-gencert", "-rfc", "-alias", caAlias, "-keystore",
                caKeystore.toString(), "-storepass", "changeit", "-validity", "30", "-infile", request.toString(), "-outfile",
                issued.toString()));
        for (String e : extensions) {
            command.add("-ext");
            command.add(e);
        }
        run(command.toArray(String[]::new));
        try (var in = Files.newInputStream(issued)) {
            return (java.security.cert.X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
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
    void aForgedPathNamingATrustedVendorIsRefusedWithTheReason() throws Exception {
        // the attacker's own CA takes the trusted vendor's name, issues a certificate for the attacker's key, and the
        // vendor's real (public) certificate is appended to the chain in the KAR
        Path forger = dir.resolve("forger.p12");
        run(keytool(), "-genkeypair", "-keyalg", "Ed25519", "-alias", "forger", "-dname", "CN=vendor-ed,O=Acme", "-ext", "bc:c",
                "-validity", "30", "-storetype", "PKCS12", "-keystore", forger.toString(), "-storepass", "changeit", "-keypass", "changeit");
        Path evil = keystore("evil", "Ed25519");
        java.security.cert.X509Certificate evilCertificate = issue(forger, "forger", evil, "evil", "ku:c=digitalSignature", "eku=codeSigning");
        assertEquals(certificate(ed25519, "vendor-ed").getSubjectX500Principal(), evilCertificate.getIssuerX500Principal());
        Path forged = signed("forged.kar", privateKey(evil, "evil"), List.of(evilCertificate, certificate(ed25519, "vendor-ed")));

        PluginRefusedException e = assertThrows(PluginRefusedException.class, () -> PluginArchive.open(forged, trust, false));
        assertTrue(e.getMessage().contains("CN=evil") && e.getMessage().contains("does not trust")
                && e.getMessage().contains("certificate path does not lead to a trusted certificate"), e.getMessage());
        // nor with the forger's CA in the chain instead
        Path viaForger = signed("forged-2.kar", privateKey(evil, "evil"), List.of(evilCertificate, certificate(forger, "forger")));
        PluginRefusedException again = assertThrows(PluginRefusedException.class, () -> PluginArchive.open(viaForger, trust, false));
        assertTrue(again.getMessage().contains("certificate path does not lead to a trusted certificate"), again.getMessage());
    }

    @Test
    void aSignerIssuedByATrustedCaIsTrustedOnlyForSigningCode() throws Exception {
        Path ca = dir.resolve("vendor-ca.p12");
        run(keytool(), "-genkeypair", "-keyalg", "RSA", "-alias", "vendor-ca", "-dname", "CN=Acme Code Signing CA,O=Acme", "-ext", "bc:c",
                "-validity", "30", "-storetype", "PKCS12", "-keystore", ca.toString(), "-storepass", "changeit", "-keypass", "changeit");
        Path caTrust = Files.createDirectories(dir.resolve("ca-trust"));
        exportCertificate(ca, "vendor-ca", caTrust.resolve("acme-ca.pem"));
        TrustedSigners byCa = new TrustedSigners(caTrust);

        Path developer = keystore("developer", "Ed25519");
        java.security.cert.X509Certificate developerCertificate = issue(ca, "vendor-ca", developer, "developer",
                "ku:c=digitalSignature", "eku=codeSigning");
        PluginArchive archive = PluginArchive.open(signed("by-ca.kar", privateKey(developer, "developer"),
                List.of(developerCertificate, certificate(ca, "vendor-ca"))), byCa, false);
        assertTrue(archive.signer().contains("CN=developer"), archive.signer());
        // the CA need not travel in the KAR: the operator has it
        assertTrue(PluginArchive.open(signed("by-ca-alone.kar", privateKey(developer, "developer"), List.of(developerCertificate)),
                byCa, false).signer().contains("CN=developer"));

        Path webServer = keystore("web", "Ed25519");
        java.security.cert.X509Certificate tlsOnly = issue(ca, "vendor-ca", webServer, "web", "eku=serverAuth");
        PluginRefusedException e = assertThrows(PluginRefusedException.class, () -> PluginArchive.open(
                signed("by-tls-key.kar", privateKey(webServer, "web"), List.of(tlsOnly)), byCa, false));
        assertTrue(e.getMessage().contains("does not include codeSigning"), e.getMessage());
    }

    /** A bundle jar whose manifest has {@code headers}. */
    static byte[] bundle(Map<String, String> headers) throws IOException {
        java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        headers.forEach((k, v) -> manifest.getMainAttributes().putValue(k, v));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (java.util.jar.JarOutputStream jar = new java.util.jar.JarOutputStream(bytes, manifest)) {
            jar.putNextEntry(new ZipEntry("com/acme/Channel.class"));
            jar.write(new byte[] {(byte) 0xCA, (byte) 0xFE});
            jar.closeEntry();
        }
        return bytes.toByteArray();
    }

    @Test
    void everyBundleInTheKarNamesThePluginInItsHeader() throws Exception {
        String jar = "repository/com/acme/acme-channel/1.0.1/acme-channel-1.0.1.jar";
        java.util.function.Function<Map<String, String>, Path> karWith = headers -> {
            try {
                return rewritten(zip("b.kar", entries(DESCRIPTOR)), "bundle-" + headers.hashCode() + ".kar", e -> {
                    try {
                        e.put(jar, bundle(headers));
                    } catch (IOException ex) {
                        throw new java.io.UncheckedIOException(ex);
                    }
                });
            } catch (IOException ex) {
                throw new java.io.UncheckedIOException(ex);
            }
        };
        PluginRefusedException none = assertThrows(PluginRefusedException.class, () -> PluginArchive.open(
                karWith.apply(Map.of("Bundle-SymbolicName", "com.acme.channel")), trust, true));
        assertTrue(none.getMessage().contains(jar.substring("repository/".length()) + " has no Switchboard-Plugin header"), none.getMessage());
        PluginRefusedException other = assertThrows(PluginRefusedException.class, () -> PluginArchive.open(
                karWith.apply(Map.of("Bundle-SymbolicName", "com.acme.channel", "Switchboard-Plugin", "other-plugin")), trust, true));
        assertTrue(other.getMessage().contains("names other-plugin in its Switchboard-Plugin header, not the plugin acme-channel"),
                other.getMessage());
        PluginArchive own = PluginArchive.open(karWith.apply(Map.of("Bundle-SymbolicName", "com.acme.channel", "Switchboard-Plugin",
                " acme-channel ")), trust, true);
        assertEquals("acme-channel", own.descriptor().id());
        // a jar that is no bundle is no bundle of anyone's
        assertEquals("acme-channel", PluginArchive.open(karWith.apply(Map.of("Created-By", "javac")), trust, true).descriptor().id());
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
        PluginRefusedException deadLetters = assertThrows(PluginRefusedException.class,
                () -> Descriptors.parse(DESCRIPTOR.replace("[\"sb.inbound\"]", "[\"DLQ.sb.inbound\"]").getBytes(StandardCharsets.UTF_8)));
        assertTrue(deadLetters.getMessage().contains("\"writes\""), deadLetters.getMessage());
        PluginRefusedException range = assertThrows(PluginRefusedException.class,
                () -> Descriptors.parse(DESCRIPTOR.replace("[1.0,2)", "one or two").getBytes(StandardCharsets.UTF_8)));
        assertTrue(range.getMessage().contains("\"requires\""), range.getMessage());
        PluginRefusedException missing = assertThrows(PluginRefusedException.class,
                () -> Descriptors.parse("{\"id\":\"x-y\",\"version\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(missing.getMessage().contains("\"featuresRepository\""), missing.getMessage());
    }
}
