package io.switchboard.itests;

import io.switchboard.testkit.LocalRepository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A plugin developer's machine: a real Maven, offline, on a local repository that holds the platform's
 * SDK exactly as this build made it (copied from target/platform-repo: parent, BOM, archetypes, Maven
 * plugin, API jars, test kit) and everything else linked from the user's repository. What the
 * newcomer builds (com.example) stays in this repository, never in the user's.
 */
final class Newcomer {

    static final String SWITCHBOARD_VERSION = System.getProperty("switchboard.version");
    private static final Path MAVEN_HOME = Path.of(System.getProperty("maven.home"));
    private static final Path USER_REPOSITORY = Path.of(System.getProperty("localRepository"));
    private static final Path PLATFORM_REPOSITORY = Path.of(System.getProperty("platformRepository"));
    private static final List<String> OWN = List.of("io/switchboard", "com/example");

    record Result(int exit, String output) {
        Result ok(String what) {
            if (exit != 0) {
                throw new AssertionError(what + " failed (exit " + exit + "):\n" + tail(output));
            }
            return this;
        }
    }

    private final Path repository;

    Newcomer(Path home) {
        this.repository = LocalRepository.prepare(home.resolve("m2"), USER_REPOSITORY, PLATFORM_REPOSITORY, OWN);
    }

    /** {@code mvn -o -B <args>} in {@code dir}. */
    Result mvn(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of(MAVEN_HOME.resolve("bin/mvn").toString(), "-o", "-B",
                "-Dmaven.repo.local=" + repository));
        command.addAll(List.of(args));
        return run(dir, command, 15);
    }

    static Result run(Path dir, List<String> command, int minutes) {
        try {
            Files.createDirectories(dir);
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
            pb.environment().put("MAVEN_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
            Process p = pb.start();
            // read while it runs: a full pipe would stop it
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(command + " did not finish:\n" + tail(new String(out, StandardCharsets.UTF_8)));
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String tail(String output) {
        return output.length() <= 20_000 ? output : "…" + output.substring(output.length() - 20_000);
    }
}
