package io.switchboard.sdk.pluginparent;

import io.switchboard.testkit.LocalRepository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A third party's plugin project on disk, built by a real Maven in its own process: the way a plugin
 * developer builds, outside the platform's reactor, offline, its parent found in the local repository
 * exactly as installed (flattened).
 *
 * <p>That local repository is {@link #repository()}: io.switchboard as this reactor built it (so
 * {@code mvn verify} tests today's parent and BOM, not an earlier install), everything else linked
 * from the user's repository (Maven's plugins, OSGi, Camel), and com.example of its own, so the demo
 * releases never land in the user's repository.
 */
final class DemoPlugin {

    static final String SWITCHBOARD_VERSION = System.getProperty("switchboard.version");
    private static final Path MAVEN_HOME = Path.of(System.getProperty("maven.home"));
    private static final Path USER_REPOSITORY = Path.of(System.getProperty("localRepository"));
    private static final Path PLATFORM_REPOSITORY = Path.of(System.getProperty("platformRepository"));
    private static final Path PLUGIN_REPOSITORY = Path.of(System.getProperty("pluginRepository"));
    private static final List<String> OWN = List.of("io/switchboard", "com/example");
    private static boolean repositoryReady;

    private final Path dir;
    private final String groupId;
    private final String artifactId;
    private final String version;
    private final List<String> dependencies = new ArrayList<>();
    private final Map<String, String> sources = new LinkedHashMap<>();
    /** src/main/plugin/switchboard-plugin.json, or none when null. */
    private String descriptor = """
            {
              "name": "演示 plugin",
              "vendor": "Example Ltd",
              "licence": "Apache-2.0",
              "price": "free",
              "description": "A demo plugin of switchboard-plugin-parent's tests",
              "reads": ["sb.outbound.demo"],
              "writes": ["sb.inbound"],
              "hosts": ["api.example.com:443"],
              "configurations": ["com.example.demo"]
            }
            """;

    DemoPlugin(Path dir, String groupId, String artifactId, String version) {
        this.dir = dir;
        this.groupId = groupId;
        this.artifactId = artifactId;
        this.version = version;
        dependency("org.osgi", "osgi.annotation", null, "provided");
    }

    /** The installed plugin parent, as a plugin's build reads it. */
    static Path parentPom() {
        return repository().resolve("io/switchboard/switchboard-plugin-parent/" + SWITCHBOARD_VERSION
                + "/switchboard-plugin-parent-" + SWITCHBOARD_VERSION + ".pom");
    }

    static synchronized Path repository() {
        if (repositoryReady) {
            return PLUGIN_REPOSITORY;
        }
        LocalRepository.prepare(PLUGIN_REPOSITORY, USER_REPOSITORY, PLATFORM_REPOSITORY, OWN);
        repositoryReady = true;
        return PLUGIN_REPOSITORY;
    }

    DemoPlugin dependency(String g, String a, String v, String scope) {
        dependencies.add("<dependency><groupId>" + g + "</groupId><artifactId>" + a + "</artifactId>"
                + (v == null ? "" : "<version>" + v + "</version>") + (scope == null ? "" : "<scope>" + scope + "</scope>") + "</dependency>");
        return this;
    }

    /** {@code path} below src/main/java, e.g. {@code com/example/demo/Greeter.java}. */
    DemoPlugin source(String path, String text) {
        sources.put(path, text);
        return this;
    }

    /** The {@code package-info.java} of an exported package at {@code packageVersion}. */
    DemoPlugin exported(String pkg, String packageVersion) {
        return source(pkg.replace('.', '/') + "/package-info.java",
                "@org.osgi.annotation.bundle.Export\n@org.osgi.annotation.versioning.Version(\"" + packageVersion + "\")\npackage " + pkg + ";\n");
    }

    /** The plugin's descriptor as its developer writes it; null: the plugin has none. */
    DemoPlugin descriptor(String json) {
        this.descriptor = json;
        return this;
    }

    /** The KAR the build writes. */
    Path kar() {
        return dir.resolve("target/" + artifactId + "-" + version + ".kar");
    }

    /** bnd's baseline report of the last build (written whether it passed or not). */
    String baselineReport() {
        try {
            return Files.readString(dir.resolve("target/baseline/" + artifactId + "-" + version + ".txt"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path jar() {
        return dir.resolve("target/" + artifactId + "-" + version + ".jar");
    }

    /** Runs {@code mvn -o <goals>} on the project (goals may be -D options too) and returns its exit code and output. */
    Result build(String... goals) {
        try {
            write();
            List<String> command = new ArrayList<>(List.of(MAVEN_HOME.resolve("bin/mvn").toString(), "-o", "-B",
                    "-Dmaven.repo.local=" + repository(), "-f", dir.resolve("pom.xml").toString()));
            command.addAll(List.of(goals));
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
            // a short-lived Maven: C1 only starts noticeably faster on two cores
            pb.environment().put("MAVEN_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("mvn did not finish:\n" + out);
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void write() throws IOException {
        Files.createDirectories(dir);
        String pom = """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <parent>
                    <groupId>io.switchboard</groupId><artifactId>switchboard-plugin-parent</artifactId>
                    <version>%s</version><relativePath/>
                  </parent>
                  <groupId>%s</groupId><artifactId>%s</artifactId><version>%s</version>
                  <dependencies>%s</dependencies>
                </project>
                """.formatted(SWITCHBOARD_VERSION, groupId, artifactId, version, String.join("\n", dependencies));
        Files.writeString(dir.resolve("pom.xml"), pom, StandardCharsets.UTF_8);
        // the feature the KAR installs: the plugin's bundle (the kar goal picks up src/main/feature/feature.xml)
        Path features = dir.resolve("src/main/feature/feature.xml");
        Files.createDirectories(features.getParent());
        Files.writeString(features, """
                <?xml version="1.0" encoding="UTF-8"?>
                <features name="%2$s-%3$s" xmlns="http://karaf.apache.org/xmlns/features/v1.6.0">
                  <feature name="%2$s" version="%3$s">
                    <bundle>mvn:%1$s/%2$s/%3$s</bundle>
                  </feature>
                </features>
                """.formatted(groupId, artifactId, version), StandardCharsets.UTF_8);
        Path plugin = dir.resolve("src/main/plugin/switchboard-plugin.json");
        if (descriptor == null) {
            Files.deleteIfExists(plugin);
        } else {
            Files.createDirectories(plugin.getParent());
            Files.writeString(plugin, descriptor, StandardCharsets.UTF_8);
        }
        for (Map.Entry<String, String> source : sources.entrySet()) {
            Path file = dir.resolve("src/main/java").resolve(source.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, source.getValue(), StandardCharsets.UTF_8);
        }
    }

    record Result(int exitCode, String output) {
        boolean succeeded() {
            return exitCode == 0 && output.contains("BUILD SUCCESS");
        }
    }
}
