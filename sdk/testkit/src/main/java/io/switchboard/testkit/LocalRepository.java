package io.switchboard.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A Maven local repository for builds a test runs with a real Maven: the groups a test owns (the
 * platform as this build made it, the plugins the test builds) are copied or written here, everything
 * else is linked from the user's repository. A plugin build then resolves today's platform, never
 * what an earlier install left in {@code ~/.m2}, and what it installs stays out of {@code ~/.m2}.
 */
public final class LocalRepository {

    private LocalRepository() {
    }

    /**
     * Makes {@code target} afresh: every entry of {@code user} linked except the {@code own} group paths
     * (such as {@code io/switchboard}), then {@code platform}'s {@code io/switchboard} copied in.
     */
    public static Path prepare(Path target, Path user, Path platform, List<String> own) {
        try {
            delete(target);
            link(user, target, "", own);
            copy(platform.resolve("io/switchboard"), target.resolve("io/switchboard"));
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void link(Path from, Path to, String relative, List<String> own) throws IOException {
        Files.createDirectories(to);
        if (!Files.isDirectory(from)) {
            return;
        }
        try (Stream<Path> entries = Files.list(from)) {
            for (Path entry : entries.toList()) {
                String path = relative + entry.getFileName();
                if (own.contains(path)) {
                    continue;
                }
                if (own.stream().anyMatch(o -> o.startsWith(path + "/"))) {
                    link(entry, to.resolve(entry.getFileName()), path + "/", own);
                } else {
                    Files.createSymbolicLink(to.resolve(entry.getFileName()), entry);
                }
            }
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            return;
        }
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }

    /** Deletes a tree without following its links (they point into the user's repository). */
    public static void delete(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
