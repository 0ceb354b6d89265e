package io.switchboard.sdk.pluginparent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSigner;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The KAR a plugin's build makes (switchboard-maven-plugin's kar and sign goals, bound by the parent): the
 * descriptor filled from the build, the Maven-layout repository, and a signature that {@code JarFile}
 * verifies against the certificate an operator would be given.
 */
class PluginKarTest {

    private static final String GROUP = "com.example.kar";
    private static final String ROUTES = """
            package com.example.acme.internal;

            public final class AcmeRoutes {
                /** A method, not a constant: a constant would be inlined and import nothing. */
                public String outbound() {
                    return io.switchboard.api.BusAddress.outbound("acme");
                }
            }
            """;
    private static final String UNSIGNED = "the KAR is unsigned: operators will refuse it unless they allow unsigned plugins";

    @TempDir
    Path work;

    @Test
    void theKarCarriesTheFilledDescriptorAndTheRepository() throws IOException {
        DemoPlugin plugin = plugin("acme-kar");
        DemoPlugin.Result result = plugin.build("package");
        assertTrue(result.succeeded(), result.output());
        assertTrue(result.output().contains("[WARNING] No keystore (switchboard.sign.keystore): " + UNSIGNED), result.output());

        String apiRange;
        try (JarFile bundle = new JarFile(plugin.jar().toFile())) {
            assertEquals("acme-kar", bundle.getManifest().getMainAttributes().getValue("Switchboard-Plugin"));
            String imports = bundle.getManifest().getMainAttributes().getValue("Import-Package");
            Matcher api = Pattern.compile("io\\.switchboard\\.api;version=\"([^\"]+)\"").matcher(imports);
            assertTrue(api.find(), imports);
            apiRange = api.group(1);
        }
        // a consumer of the API takes any later minor version, never the next major
        assertTrue(apiRange.matches("\\[1\\.[0-9]+,2\\)"), apiRange);

        String repository = "repository/com/example/kar/acme-kar/1.0.0/acme-kar-1.0.0";
        try (ZipFile kar = new ZipFile(plugin.kar().toFile())) {
            JsonObject descriptor = Json.createReader(kar.getInputStream(kar.getEntry("META-INF/switchboard-plugin.json"))).readObject();
            assertEquals("acme-kar", descriptor.getString("id"));
            assertEquals("1.0.0", descriptor.getString("version"));
            assertEquals("acme-kar", descriptor.getString("feature"));
            assertEquals("mvn:com.example.kar/acme-kar/1.0.0/xml/features", descriptor.getString("featuresRepository"));
            assertEquals(Json.createObjectBuilder().add("io.switchboard.api", apiRange).build(), descriptor.getJsonObject("requires"));
            // as the developer wrote them
            assertEquals("演示 plugin", descriptor.getString("name"));
            assertEquals("Example Ltd", descriptor.getString("vendor"));
            assertEquals(Json.createArrayBuilder().add("sb.outbound.demo").build(), descriptor.getJsonArray("reads"));
            assertEquals(Json.createArrayBuilder().add("sb.inbound").build(), descriptor.getJsonArray("writes"));
            assertEquals(Json.createArrayBuilder().add("com.example.demo").build(), descriptor.getJsonArray("configurations"));

            assertArrayEquals(Files.readAllBytes(plugin.jar()), kar.getInputStream(kar.getEntry(repository + ".jar")).readAllBytes());
            String features = new String(kar.getInputStream(kar.getEntry(repository + "-features.xml")).readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(features.contains("<feature name=\"acme-kar\""), features);
            assertNotNull(kar.getEntry(repository + ".pom"));
        }
    }

    @Test
    void aKarSignedWithAnEd25519KeyVerifiesAgainstItsCertificate() throws Exception {
        Path keystore = work.resolve("acme.p12");
        keytool("-genkeypair", "-keyalg", "Ed25519", "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", "secret",
                "-alias", "acme", "-dname", "CN=Example Ltd plugins", "-validity", "30");
        // what the developer hands the operator for etc/plugin-trust/
        Path certificate = work.resolve("acme.pem");
        keytool("-exportcert", "-rfc", "-keystore", keystore.toString(), "-storepass", "secret", "-alias", "acme", "-file", certificate.toString());
        X509Certificate trusted = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(certificate)));

        DemoPlugin plugin = plugin("acme-signed");
        DemoPlugin.Result result = plugin.build("package", "-Dswitchboard.sign.keystore=" + keystore, "-Dswitchboard.sign.alias=acme",
                "-Dswitchboard.sign.storepass=secret", "-Dswitchboard.plugin.id=acme-other-id");
        assertTrue(result.succeeded(), result.output());
        assertFalse(result.output().contains(UNSIGNED), result.output());

        List<String> verified = new ArrayList<>();
        try (JarFile kar = new JarFile(plugin.kar().toFile(), true)) {
            for (JarEntry entry : Collections.list(kar.entries())) {
                String name = entry.getName();
                if (entry.isDirectory() || name.equals("META-INF/MANIFEST.MF") || name.matches("META-INF/[^/]+\\.(SF|RSA|DSA|EC)")) {
                    continue;
                }
                try (InputStream in = kar.getInputStream(entry)) {
                    in.readAllBytes();
                }
                CodeSigner[] signers = entry.getCodeSigners();
                assertNotNull(signers, name + " is not signed");
                assertEquals(trusted, signers[0].getSignerCertPath().getCertificates().get(0), name);
                verified.add(name);
            }
            assertTrue(verified.contains("META-INF/switchboard-plugin.json"), verified.toString());
            assertTrue(verified.contains("repository/com/example/kar/acme-signed/1.0.0/acme-signed-1.0.0.jar"), verified.toString());
            assertNotNull(kar.getEntry("META-INF/ACME.EC"));

            // the id a plugin chooses (switchboard.plugin.id) is its bundle's header and its descriptor's id alike
            JsonObject descriptor = Json.createReader(kar.getInputStream(kar.getEntry("META-INF/switchboard-plugin.json"))).readObject();
            assertEquals("acme-other-id", descriptor.getString("id"));
            try (JarInputStream bundle = new JarInputStream(kar.getInputStream(kar.getEntry(
                    "repository/com/example/kar/acme-signed/1.0.0/acme-signed-1.0.0.jar")))) {
                assertEquals("acme-other-id", bundle.getManifest().getMainAttributes().getValue("Switchboard-Plugin"));
            }
        }
    }

    @Test
    void aPluginWithoutADescriptorFailsSayingWhereItBelongs() {
        DemoPlugin plugin = plugin("acme-nameless").descriptor(null);
        DemoPlugin.Result result = plugin.build("package");
        assertFalse(result.succeeded(), result.output());
        assertTrue(result.output().contains("No plugin descriptor at " + work.resolve("acme-nameless/src/main/plugin/switchboard-plugin.json")), result.output());
        assertFalse(Files.exists(plugin.kar()));
    }

    @Test
    void aDescriptorAskingForEveryAddressFailsNamingTheField() {
        DemoPlugin.Result result = plugin("acme-greedy").descriptor("""
                {"name": "Greedy", "vendor": "Example Ltd", "licence": "MIT", "price": "free", "reads": ["sb.#"]}
                """).build("package");
        assertFalse(result.succeeded(), result.output());
        assertTrue(result.output().contains("field \"reads\": \"sb.#\" is not a bus address"), result.output());
    }

    private DemoPlugin plugin(String artifactId) {
        return new DemoPlugin(work.resolve(artifactId), GROUP, artifactId, "1.0.0")
                .dependency("io.switchboard", "switchboard-api", null, null)
                .source("com/example/acme/internal/AcmeRoutes.java", ROUTES);
    }

    private static void keytool(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(arguments));
        Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(keytool.waitFor(1, TimeUnit.MINUTES) && keytool.exitValue() == 0, output);
    }
}
