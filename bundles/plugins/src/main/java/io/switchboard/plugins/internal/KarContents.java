package io.switchboard.plugins.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What a plugin's features may install: only what its signed KAR carries. The signature covers the
 * KAR's files, so a bundle, a configuration file or a features repository named by a URL outside it
 * ({@code http:}, a remote or any other {@code mvn:} artifact) would run code nobody signed; a
 * configuration the plugin's descriptor does not own would change the platform's or another
 * plugin's settings.
 *
 * @param repository   the KAR's {@code repository/} entries, as Maven paths
 * @param alreadyThere locations the framework has already (the platform's own bundles): naming one
 *                     installs nothing new
 * @param ownedPids    the configurations the descriptor declares
 */
record KarContents(Set<String> repository, Predicate<String> alreadyThere, List<String> ownedPids) {

    /**
     * Each reason the plugin's features reach outside the KAR, one sentence each; empty when they do not.
     *
     * @param bundles      bundle locations of the plugin's own features
     * @param configFiles  {@code configfile}s of those features
     * @param pids         PIDs of their inline {@code config} elements
     * @param repositories features repositories the plugin's repository names
     * @param known        features repositories the server had before the plugin's was added
     */
    List<String> outside(List<String> bundles, List<ConfigFile> configFiles, List<String> pids, List<String> repositories,
                         Predicate<String> known) {
        List<String> problems = new ArrayList<>();
        for (String location : bundles) {
            if (!alreadyThere.test(location) && !inside(location)) {
                problems.add("bundle " + location + " is not in the signed KAR");
            }
        }
        for (ConfigFile file : configFiles) {
            if (!inside(file.location())) {
                problems.add("configuration file " + file.location() + " is not in the signed KAR");
            }
            String pid = file.finalname() == null ? null : pidOf(file.finalname());
            if (pid == null) {
                problems.add("configuration file " + file.finalname() + " is not a configuration in etc/ (etc/<pid>.cfg)");
            } else if (!owned(pid)) {
                problems.add("configuration file " + file.finalname() + " is not one the plugin declares (\"configurations\" in its descriptor)");
            }
        }
        for (String pid : pids) {
            if (!owned(pid)) {
                problems.add("configuration " + pid + " is not one the plugin declares (\"configurations\" in its descriptor)");
            }
        }
        for (String uri : repositories) {
            if (!known.test(uri) && !inside(uri)) {
                problems.add("features repository " + uri + " is not in the signed KAR");
            }
        }
        return problems;
    }

    /** A feature's {@code configfile}: where its content comes from and the file it becomes. */
    record ConfigFile(String location, String finalname) {
    }

    private boolean owned(String pid) {
        // Karaf reads "pid-alias" as a factory configuration of pid
        String factory = pid.contains("-") ? pid.substring(0, pid.indexOf('-')) : pid;
        return ownedPids.contains(pid) || ownedPids.contains(factory);
    }

    /** The PID a configuration file in etc/ holds, or null for any other file (users.properties, a path elsewhere). */
    static String pidOf(String finalname) {
        String name = finalname.trim();
        for (String etc : List.of("${karaf.etc}/", "/etc/", "etc/")) {
            if (name.startsWith(etc)) {
                name = name.substring(etc.length());
                break;
            }
        }
        if (name.contains("/") || name.contains("\\") || name.contains("..")) {
            return null;
        }
        for (String suffix : List.of(".cfg", ".config")) {
            if (name.endsWith(suffix) && name.length() > suffix.length()) {
                return name.substring(0, name.length() - suffix.length());
            }
        }
        return null;
    }

    /** Whether {@code location} is an {@code mvn:} URL of an artifact the KAR carries, and nothing else. */
    boolean inside(String location) {
        String path = mavenPath(location.trim());
        return path != null && repository.contains(path);
    }

    /**
     * The Maven repository path of {@code mvn:group/artifact/version[/type[/classifier]]}; null for any
     * other URL, and for an {@code mvn:} URL that names a repository of its own ({@code mvn:http://…!g/a/v}).
     */
    static String mavenPath(String location) {
        if (!location.startsWith("mvn:") || location.contains("!")) {
            return null;
        }
        String[] parts = location.substring("mvn:".length()).split("/", -1);
        if (parts.length < 3 || parts.length > 5) {
            return null;
        }
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            // type and classifier may be left empty (mvn:g/a/v//classifier); the coordinates may not
            if (p.isEmpty() && i < 3 || p.contains("..") || p.contains(":") || p.contains("\\")) {
                return null;
            }
        }
        String group = parts[0];
        String artifact = parts[1];
        String version = parts[2];
        String type = parts.length > 3 && !parts[3].isEmpty() ? parts[3] : "jar";
        String classifier = parts.length > 4 && !parts[4].isEmpty() ? "-" + parts[4] : "";
        return group.replace('.', '/') + "/" + artifact + "/" + version + "/" + artifact + "-" + version + classifier + "." + type;
    }
}
