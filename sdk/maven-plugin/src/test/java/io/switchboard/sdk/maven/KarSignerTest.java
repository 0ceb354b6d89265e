package io.switchboard.sdk.maven;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSigner;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signed KAR read the way the platform reads it: {@code new JarFile(file, true)}. Keys are made by keytool,
 * as the developer guide tells plugin developers to make them.
 */
class KarSignerTest {

    private static final String BUNDLE = KarArchive.repositoryPath("com.acme", "acme-channel", "1.0.1", null, "jar");
    private static final String FEATURES = KarArchive.repositoryPath("com.acme", "acme-channel", "1.0.1", "features", "xml");
    private static final String CONFIGURATION = KarArchive.repositoryPath("com.acme", "acme-channel", "1.0.1", "configuration", "cfg");

    @TempDir
    Path dir;

    @Test
    void anEd25519SignatureVerifies() throws Exception {
        Path kar = kar();
        Path keystore = keystore("Ed25519", "acme-release");
        KarSigner.Signed signed = KarSigner.sign(kar, keystore, "acme-release", "secret".toCharArray(), null);
        assertEquals("Ed25519", signed.keyAlgorithm());
        assertTrue(signed.subject().contains("CN=Acme Ltd"), signed.subject());
        assertVerifies(kar, "ACME-REL", "EC");
    }

    @Test
    void anRsaSignatureVerifiesAndTheOnlyKeyNeedsNoAlias() throws Exception {
        Path kar = kar();
        Path keystore = keystore("RSA", "acme");
        assertEquals("RSA", KarSigner.sign(kar, keystore, null, "secret".toCharArray(), "secret".toCharArray()).keyAlgorithm());
        assertVerifies(kar, "ACME", "RSA");
    }

    @Test
    void oneRepositoryByteChangedAfterSigningIsRefused() throws Exception {
        Path kar = kar();
        KarSigner.sign(kar, keystore("Ed25519", "acme"), "acme", "secret".toCharArray(), null);
        Path tampered = dir.resolve("tampered.kar");
        try (ZipFile signed = new ZipFile(kar.toFile()); ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(tampered))) {
            for (ZipEntry entry : Collections.list(signed.entries())) {
                byte[] content = signed.getInputStream(entry).readAllBytes();
                if (entry.getName().equals(CONFIGURATION)) {
                    content[3] ^= 1;
                }
                out.putNextEntry(new ZipEntry(entry.getName()));
                out.write(content);
                out.closeEntry();
            }
        }
        try (JarFile jar = new JarFile(tampered.toFile(), true)) {
            // the untouched entries still verify
            try (InputStream in = jar.getInputStream(jar.getJarEntry(BUNDLE))) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            SecurityException refused = assertThrows(SecurityException.class, () -> {
                try (InputStream in = jar.getInputStream(jar.getJarEntry(CONFIGURATION))) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
            });
            assertTrue(refused.getMessage().contains(CONFIGURATION), refused.getMessage());
        }
    }

    @Test
    void anUnsignedKarHasNoSigners() throws Exception {
        Path kar = kar();
        try (JarFile jar = new JarFile(kar.toFile(), true)) {
            JarEntry entry = jar.getJarEntry(BUNDLE);
            jar.getInputStream(entry).readAllBytes();
            assertNull(entry.getCodeSigners());
        }
    }

    @Test
    void aWrongPasswordOrAliasIsSaidSo() throws Exception {
        Path kar = kar();
        Path keystore = keystore("Ed25519", "acme");
        String wrongPassword = assertThrows(GeneralSecurityException.class,
                () -> KarSigner.sign(kar, keystore, "acme", "wrong".toCharArray(), null)).getMessage();
        assertTrue(wrongPassword.contains("cannot open keystore"), wrongPassword);
        String wrongAlias = assertThrows(GeneralSecurityException.class,
                () -> KarSigner.sign(kar, keystore, "other", "secret".toCharArray(), null)).getMessage();
        assertTrue(wrongAlias.contains("no private key under alias \"other\"") && wrongAlias.contains("[acme]"), wrongAlias);
        // the KAR is as it was: unsigned, not half-signed
        try (ZipFile zip = new ZipFile(kar.toFile())) {
            assertTrue(Collections.list(zip.entries()).stream().noneMatch(e -> e.getName().endsWith(".SF")));
        }
    }

    @Test
    void signerNamesFollowJarsignersRule() {
        assertEquals("ACME-REL", KarSigner.signerName("acme-release"));
        assertEquals("ACME_CO", KarSigner.signerName("acme.co"));
    }

    private static void assertVerifies(Path kar, String signerName, String blockExtension) throws IOException {
        try (JarFile jar = new JarFile(kar.toFile(), true)) {
            List<String> names = new ArrayList<>();
            for (JarEntry entry : Collections.list(jar.entries())) {
                names.add(entry.getName());
                if (entry.isDirectory() || KarSigner.isSignature(entry.getName())) {
                    continue;
                }
                // reading completely is what checks the digest; only then are the signers known
                byte[] content = jar.getInputStream(entry).readAllBytes();
                assertTrue(content.length > 0, entry.getName());
                CodeSigner[] signers = entry.getCodeSigners();
                assertNotNull(signers, entry.getName() + " is not signed");
                X509Certificate certificate = (X509Certificate) signers[0].getSignerCertPath().getCertificates().get(0);
                assertEquals("CN=Acme Ltd,O=Acme", certificate.getSubjectX500Principal().getName());
            }
            assertTrue(names.contains("META-INF/" + signerName + ".SF"), names.toString());
            assertTrue(names.contains("META-INF/" + signerName + "." + blockExtension), names.toString());
            assertTrue(names.containsAll(List.of(PluginDescriptor.ENTRY, BUNDLE, FEATURES, CONFIGURATION)), names.toString());
            assertArrayEquals("{\"id\":\"acme-channel\"}".getBytes(StandardCharsets.UTF_8),
                    jar.getInputStream(jar.getJarEntry(PluginDescriptor.ENTRY)).readAllBytes());
        }
    }

    private Path kar() throws IOException {
        Map<String, Path> artifacts = new LinkedHashMap<>();
        artifacts.put(BUNDLE, file("bundle.jar", "PK-not-really-a-bundle"));
        artifacts.put(FEATURES, file("features.xml", "<features name=\"acme\"/>"));
        artifacts.put(CONFIGURATION, file("acme.cfg", "greeting = 您好\n"));
        Path kar = dir.resolve("acme-channel-1.0.1.kar");
        KarArchive.write(kar, "{\"id\":\"acme-channel\"}".getBytes(StandardCharsets.UTF_8), artifacts);
        return kar;
    }

    private Path file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    /** keytool -genkeypair, as a developer runs it. */
    private Path keystore(String keyAlgorithm, String alias) throws IOException, InterruptedException {
        Path keystore = dir.resolve(alias + "-" + keyAlgorithm + ".p12");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keyalg", keyAlgorithm, "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", "secret", "-alias", alias, "-dname", "CN=Acme Ltd,O=Acme", "-validity", "30"));
        if (keyAlgorithm.equals("RSA")) {
            command.addAll(List.of("-keysize", "2048"));
        }
        Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(keytool.waitFor(1, TimeUnit.MINUTES) && keytool.exitValue() == 0, output);
        return keystore;
    }
}
