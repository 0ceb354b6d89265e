package io.switchboard.plugins.internal;

import io.switchboard.api.CanonicalJson;
import io.switchboard.plugins.CatalogEntry;
import io.switchboard.plugins.PluginRefusedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.osgi.framework.Version;

/**
 * The catalog: a directory that is also a static site. Each published version is
 * {@code <id>/<version>/<id>-<version>.kar} beside its {@code entry.json}, and {@code index.json}
 * lists them all with relative links, so the directory copied to any web server is a catalog too.
 * KARs are kept exactly as published: their signatures are checked again at install.
 */
final class Catalog {

    static final String INDEX = "index.json";

    /** What index.json holds: every entry with the KAR's path relative to the index. */
    public record Index(String generatedAt, List<Listed> plugins) {
    }

    public record Listed(CatalogEntry entry, String kar) {
    }

    private final Path directory;
    private final CanonicalJson json;

    Catalog(Path directory, CanonicalJson json) {
        this.directory = directory;
        this.json = json;
    }

    Path directory() {
        return directory;
    }

    synchronized CatalogEntry add(PluginArchive archive, byte[] kar) {
        var d = archive.descriptor();
        Path dir = directory.resolve(d.id()).resolve(d.version());
        Path file = dir.resolve(karName(d.id(), d.version()));
        if (Files.exists(file)) {
            throw new PluginRefusedException(d.id() + " " + d.version() + " is already in the catalog: publish a new version");
        }
        CatalogEntry entry = new CatalogEntry(d, archive.signer(), sha256(kar), kar.length, Instant.now());
        try {
            Files.createDirectories(dir);
            write(file, kar);
            write(dir.resolve("entry.json"), json.toJson(entry).getBytes(StandardCharsets.UTF_8));
            writeIndex();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store " + file, e);
        }
        return entry;
    }

    synchronized List<CatalogEntry> entries() {
        List<CatalogEntry> entries = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return entries;
        }
        try (Stream<Path> files = Files.find(directory, 3, (p, a) -> p.getFileName().toString().equals("entry.json"))) {
            for (Path p : files.toList()) {
                entries.add(json.fromJson(Files.readString(p, StandardCharsets.UTF_8), CatalogEntry.class));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the catalog in " + directory, e);
        }
        entries.sort(Comparator.comparing((CatalogEntry e) -> e.plugin().id())
                .thenComparing((CatalogEntry e) -> version(e.plugin().version()), Comparator.reverseOrder()));
        return entries;
    }

    Optional<CatalogEntry> entry(String id, String version) {
        return entries().stream().filter(e -> e.plugin().id().equals(id)
                && (version == null || e.plugin().version().equals(version))).findFirst();
    }

    Optional<Path> kar(String id, String version) {
        if (!Descriptors.ID.matcher(id).matches() || version.contains("/") || version.contains("..")) {
            return Optional.empty();
        }
        Path file = directory.resolve(id).resolve(version).resolve(karName(id, version));
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    Optional<byte[]> index() {
        Path index = directory.resolve(INDEX);
        try {
            return Files.exists(index) ? Optional.of(Files.readAllBytes(index)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeIndex() throws IOException {
        List<Listed> listed = entries().stream().map(e -> new Listed(e, e.plugin().id() + "/" + e.plugin().version() + "/"
                + karName(e.plugin().id(), e.plugin().version()))).toList();
        write(directory.resolve(INDEX), json.toJson(new Index(Instant.now().toString(), listed)).getBytes(StandardCharsets.UTF_8));
    }

    /** Written beside, then moved: a reader never sees half a file. */
    private static void write(Path file, byte[] bytes) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(temp, bytes);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static String karName(String id, String version) {
        return id + "-" + version + ".kar";
    }

    static Version version(String v) {
        try {
            return Version.parseVersion(v.replace("-SNAPSHOT", ".SNAPSHOT"));
        } catch (IllegalArgumentException e) {
            return Version.emptyVersion;
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
