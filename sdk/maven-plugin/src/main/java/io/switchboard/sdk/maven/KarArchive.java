package io.switchboard.sdk.maven;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A KAR as Karaf reads one (a {@code repository/} in Maven layout) with the plugin's descriptor in
 * {@code META-INF/}. A jar in form, so the JDK's jar signer can sign it and {@code JarFile} verify it.
 */
final class KarArchive {

    static final String REPOSITORY = "repository/";

    private KarArchive() {
    }

    /** {@code repository/<group as path>/<artifactId>/<version>/<artifactId>-<version>[-<classifier>].<extension>} */
    static String repositoryPath(String groupId, String artifactId, String version, String classifier, String extension) {
        return REPOSITORY + groupId.replace('.', '/') + "/" + artifactId + "/" + version + "/" + artifactId + "-" + version
                + (classifier == null || classifier.isEmpty() ? "" : "-" + classifier) + "." + extension;
    }

    /**
     * Writes the KAR to {@code kar}, replacing it (through a temporary file, so a failed build leaves no
     * half-written KAR behind). {@code artifacts} maps repository paths to files.
     */
    static void write(Path kar, byte[] descriptor, Map<String, Path> artifacts) throws IOException {
        Files.createDirectories(kar.toAbsolutePath().getParent());
        Path partial = Files.createTempFile(kar.toAbsolutePath().getParent(), kar.getFileName().toString(), ".partial");
        try {
            Manifest manifest = new Manifest();
            manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            manifest.getMainAttributes().putValue("Created-By", "switchboard-maven-plugin");
            try (OutputStream file = Files.newOutputStream(partial); JarOutputStream jar = new JarOutputStream(file, manifest)) {
                jar.putNextEntry(new JarEntry(PluginDescriptor.ENTRY));
                jar.write(descriptor);
                jar.closeEntry();
                // Karaf's KAR extraction and unzip tools expect the directories as entries of their own
                Set<String> directories = new LinkedHashSet<>();
                for (String path : artifacts.keySet()) {
                    for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
                        String directory = path.substring(0, slash + 1);
                        if (directories.add(directory)) {
                            jar.putNextEntry(new JarEntry(directory));
                            jar.closeEntry();
                        }
                    }
                    jar.putNextEntry(new JarEntry(path));
                    Files.copy(artifacts.get(path), jar);
                    jar.closeEntry();
                }
            }
            Files.move(partial, kar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
    }
}
