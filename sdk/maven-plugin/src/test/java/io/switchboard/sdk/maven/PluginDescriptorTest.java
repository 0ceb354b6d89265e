package io.switchboard.sdk.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginDescriptorTest {

    private static final String WRITTEN = """
            {
              "name": "Acme 渠道",
              "vendor": "Acme Ltd",
              "licence": "Apache-2.0",
              "price": "免费",
              "description": "Acme's channel",
              "reads": ["sb.outbound.acme"],
              "writes": ["sb.inbound"],
              "hosts": ["api.acme.example:443", "[::1]:8080", "10.0.0.1:25"],
              "configurations": ["com.acme.channel"]
            }
            """;
    private static final PluginDescriptor.Build BUILD = new PluginDescriptor.Build("acme-channel", "1.0.1", null,
            "mvn:com.acme/acme-channel/1.0.1/xml/features", Map.of("io.switchboard.bus", "[1.0,2)", "io.switchboard.api", "[1.2,2)"));

    @TempDir
    Path dir;

    @Test
    void theBuildFillsWhatOnlyItKnows() throws Exception {
        Path file = write(WRITTEN);
        JsonObject filled = PluginDescriptor.fill(file, PluginDescriptor.read(file), BUILD);
        assertEquals(List.of("id", "name", "vendor", "version", "licence", "price", "description", "feature", "featuresRepository", "requires",
                "reads", "writes", "hosts", "configurations"), List.copyOf(filled.keySet()));
        assertEquals("acme-channel", filled.getString("id"));
        assertEquals("acme-channel", filled.getString("feature"));
        assertEquals("1.0.1", filled.getString("version"));
        assertEquals("mvn:com.acme/acme-channel/1.0.1/xml/features", filled.getString("featuresRepository"));
        assertEquals("[1.2,2)", filled.getJsonObject("requires").getString("io.switchboard.api"));
        assertEquals("[1.0,2)", filled.getJsonObject("requires").getString("io.switchboard.bus"));
        assertEquals("sb.outbound.acme", filled.getJsonArray("reads").getString(0));

        // what goes into the KAR reads back the same, Chinese included
        String text = new String(PluginDescriptor.bytes(filled), StandardCharsets.UTF_8);
        assertTrue(text.contains("\"Acme 渠道\""), text);
        assertEquals(filled, Json.createReader(new StringReader(text)).readObject());
    }

    @Test
    void idAndFeatureAsWrittenWinAndListsDefaultToEmpty() throws Exception {
        Path file = write("""
                {"id": "acme", "feature": "acme-feature", "name": "n", "vendor": "v", "licence": "l", "price": "p"}
                """);
        JsonObject filled = PluginDescriptor.fill(file, PluginDescriptor.read(file), BUILD);
        assertEquals("acme", filled.getString("id"));
        assertEquals("acme-feature", filled.getString("feature"));
        assertEquals("", filled.getString("description"));
        assertEquals(0, filled.getJsonArray("reads").size());
        assertEquals(0, filled.getJsonArray("configurations").size());
    }

    @Test
    void theBundleHeaderGivesTheIdAndMustAgreeWithTheDescriptor() throws Exception {
        PluginDescriptor.Build headed = new PluginDescriptor.Build("acme-channel", "1.0.1", "acme", "mvn:x/y/1/xml/features", Map.of());
        Path file = write(WRITTEN);
        assertEquals("acme", PluginDescriptor.fill(file, PluginDescriptor.read(file), headed).getString("id"));

        Path other = write(WRITTEN.replace("{", "{\"id\": \"acme-other\","));
        String message = assertThrows(InvalidDescriptorException.class,
                () -> PluginDescriptor.fill(other, PluginDescriptor.read(other), headed)).getMessage();
        assertTrue(message.contains("\"id\"") && message.contains("Switchboard-Plugin: acme"), message);
    }

    @Test
    void anArtifactIdThatIsNoIdNeedsAnId() throws Exception {
        Path file = write(WRITTEN);
        PluginDescriptor.Build build = new PluginDescriptor.Build("Acme_Channel", "1.0", null, "mvn:x/y/1/xml/features", Map.of());
        String message = assertThrows(InvalidDescriptorException.class, () -> PluginDescriptor.fill(file, PluginDescriptor.read(file), build)).getMessage();
        assertTrue(message.contains("field \"id\": \"Acme_Channel\" (from the artifactId)"), message);
    }

    @Test
    void aMissingDescriptorSaysWhereItBelongs() {
        String message = assertThrows(InvalidDescriptorException.class, () -> PluginDescriptor.read(dir.resolve("none.json"))).getMessage();
        assertTrue(message.contains("No plugin descriptor at") && message.contains(PluginDescriptor.SOURCE), message);
    }

    @Test
    void refusalsNameTheField() throws IOException {
        assertRefused("{\"name\": \"n\", ", "not valid JSON");
        assertRefused("[1, 2]", "is not a JSON object");
        assertRefused(WRITTEN.replace("\"vendor\": \"Acme Ltd\",", ""), "field \"vendor\" is missing");
        assertRefused(WRITTEN.replace("\"Acme Ltd\"", "\" \""), "field \"vendor\" is missing or empty");
        assertRefused(WRITTEN.replace("\"Apache-2.0\"", "2"), "field \"licence\" must be a string");
        assertRefused(WRITTEN.replace("\"licence\"", "\"license\""), "unknown field \"license\" (spelt licence)");
        assertRefused(WRITTEN.replace("{", "{\"id\": \"Acme\","), "field \"id\": \"Acme\" does not match");
        assertRefused(WRITTEN.replace("{", "{\"id\": \"a\","), "field \"id\": \"a\" does not match");
        assertRefused(WRITTEN.replace("{", "{\"version\": \"1.0\","), "field \"version\" is filled by the build");
        assertRefused(WRITTEN.replace("{", "{\"requires\": {},"), "field \"requires\" is filled by the build");
        assertRefused(WRITTEN.replace("\"sb.outbound.acme\"", "\"sb.outbound.*\""), "field \"reads\": \"sb.outbound.*\" is not a bus address");
        assertRefused(WRITTEN.replace("\"sb.outbound.acme\"", "\"sb.#\""), "field \"reads\": \"sb.#\"");
        assertRefused(WRITTEN.replace("\"sb.inbound\"", "\"DLQ.sb.inbound\""), "field \"writes\": \"DLQ.sb.inbound\"");
        assertRefused(WRITTEN.replace("\"sb.inbound\"", "\"activemq.management\""), "field \"writes\": \"activemq.management\"");
        assertRefused(WRITTEN.replace("[\"sb.inbound\"]", "\"sb.inbound\""), "field \"writes\" must be an array of strings");
        assertRefused(WRITTEN.replace("\"api.acme.example:443\"", "\"api.acme.example\""), "field \"hosts\": \"api.acme.example\"");
        assertRefused(WRITTEN.replace("\"api.acme.example:443\"", "\"api.acme.example:99999\""), "field \"hosts\": \"api.acme.example:99999\"");
        assertRefused(WRITTEN.replace("\"com.acme.channel\"", "\"com acme\""), "field \"configurations\": \"com acme\"");
    }

    private void assertRefused(String json, String expected) throws IOException {
        Path file = write(json);
        String message = assertThrows(InvalidDescriptorException.class, () -> PluginDescriptor.read(file), json).getMessage();
        assertTrue(message.contains(expected), "expected \"" + expected + "\" in: " + message);
        assertTrue(message.startsWith(file.toString()), message);
    }

    private Path write(String json) throws IOException {
        Path file = Files.createTempFile(dir, "switchboard-plugin", ".json");
        Files.writeString(file, json, StandardCharsets.UTF_8);
        return file;
    }
}
