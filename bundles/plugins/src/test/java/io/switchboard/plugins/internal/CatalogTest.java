package io.switchboard.plugins.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.CanonicalJson;
import io.switchboard.plugins.CatalogEntry;
import io.switchboard.plugins.PluginRefusedException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog directory: one file per version, never replaced, and a static index with relative links. */
class CatalogTest {

    @TempDir
    Path dir;

    static PluginArchive archive(String version) {
        byte[] json = PluginArchiveTest.DESCRIPTOR.replace("1.0.1", version).getBytes(StandardCharsets.UTF_8);
        return new PluginArchive(Descriptors.parse(json), "CN=vendor-ed,O=Acme", Map.of());
    }

    @Test
    void versionsAreListedNewestFirstAndTheIndexLinksEachKar() throws Exception {
        Catalog catalog = new Catalog(dir, new CanonicalJson());
        catalog.add(archive("1.0.1"), new byte[]{1, 2, 3});
        catalog.add(archive("1.0.10"), new byte[]{4});
        catalog.add(archive("1.0.2"), new byte[]{5});

        List<String> versions = catalog.entries().stream().map(e -> e.plugin().version()).toList();
        assertEquals(List.of("1.0.10", "1.0.2", "1.0.1"), versions);
        assertEquals("1.0.10", catalog.entry("acme-channel", null).orElseThrow().plugin().version());
        CatalogEntry first = catalog.entry("acme-channel", "1.0.1").orElseThrow();
        assertEquals("039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81", first.sha256());
        assertEquals(3, first.size());
        assertEquals("Acme 渠道", first.plugin().name());

        String index = new String(catalog.index().orElseThrow(), StandardCharsets.UTF_8);
        assertTrue(index.contains("\"kar\":\"acme-channel/1.0.2/acme-channel-1.0.2.kar\""), index);
        assertTrue(index.contains("Acme 渠道"), index);
        assertArrayEquals(new byte[]{5}, Files.readAllBytes(catalog.kar("acme-channel", "1.0.2").orElseThrow()));
    }

    @Test
    void aPublishedVersionIsNeverReplaced() {
        Catalog catalog = new Catalog(dir, new CanonicalJson());
        catalog.add(archive("1.0.1"), new byte[]{1});
        PluginRefusedException e = assertThrows(PluginRefusedException.class, () -> catalog.add(archive("1.0.1"), new byte[]{2}));
        assertTrue(e.getMessage().contains("already in the catalog"), e.getMessage());
        assertEquals(1, catalog.entries().size());
    }

    @Test
    void pathsOutsideTheCatalogAreNotServed() {
        Catalog catalog = new Catalog(dir, new CanonicalJson());
        assertTrue(catalog.kar("acme-channel", "../../etc").isEmpty());
        assertTrue(catalog.kar("../x", "1.0.0").isEmpty());
    }
}
