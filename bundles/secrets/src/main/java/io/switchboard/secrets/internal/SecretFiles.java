package io.switchboard.secrets.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps secrets out of Config Admin. A secret written in clear into a configuration (a {@code .cfg}
 * in {@code etc/}, {@code config:property-set}, a JMX call) moves to a file of its own in the
 * secrets directory, and the property becomes {@code $[secret:<file>]}. Felix's interpolation plugin
 * reads the file when it hands the configuration to its component, so the component gets the secret
 * while Config Admin, and with it JMX, Hawtio and the shell, hold and show only the file's name; a
 * configuration read from a {@code .cfg} gets the name in that file too ({@link #rewrite}).
 *
 * <p>A property is a secret when its bundle's metatype declares it a password, when it is called
 * {@code password}, or when its name starts with {@code secret.} (the app channel's per-app keys).
 */
@Component(immediate = true, service = ConfigurationListener.class)
public class SecretFiles implements ConfigurationListener {

    /** Where Felix's interpolation plugin reads {@code $[secret:…]} from (etc/custom.properties). */
    static final String SECRETS_DIR = "org.apache.felix.configadmin.plugin.interpolation.secretsdir";

    private static final Logger LOG = LoggerFactory.getLogger(SecretFiles.class);

    private final BundleContext context;
    private final ConfigurationAdmin configurations;
    private final MetaTypeService metaTypes;
    private final Path directory;
    /** One thread: configuration and bundle events arrive on the framework's threads, which must not wait on files. */
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "switchboard-secret-files"));
    private final BundleListener newMetaTypes = event -> {
        if (event.getType() == BundleEvent.STARTED) {
            // a bundle that starts may declare passwords in configurations already there
            worker.execute(this::moveAll);
        }
    };

    @Activate
    public SecretFiles(BundleContext context, @Reference ConfigurationAdmin configurations, @Reference MetaTypeService metaTypes) {
        this.context = context;
        this.configurations = configurations;
        this.metaTypes = metaTypes;
        String dir = context.getProperty(SECRETS_DIR);
        this.directory = dir == null || dir.isBlank() ? null : Path.of(dir);
        if (directory == null) {
            LOG.warn("{} is not set: secrets written into configurations stay there, readable through JMX and the shell",
                    SECRETS_DIR);
            return;
        }
        context.addBundleListener(newMetaTypes);
        worker.execute(this::moveAll);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        context.removeBundleListener(newMetaTypes);
        worker.shutdown();
        worker.awaitTermination(10, TimeUnit.SECONDS);
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (directory != null && event.getType() == ConfigurationEvent.CM_UPDATED) {
            worker.execute(() -> move(event.getPid()));
        }
    }

    private void moveAll() {
        try {
            Configuration[] all = configurations.listConfigurations(null);
            if (all == null) {
                return;
            }
            Map<String, Set<String>> passwords = passwords();
            for (Configuration c : all) {
                move(c, passwords);
            }
        } catch (IOException | InvalidSyntaxException | RuntimeException e) {
            LOG.error("Could not check configurations for secrets in clear", e);
        }
    }

    private void move(String pid) {
        try {
            Configuration[] found = configurations.listConfigurations("(service.pid=" + pid + ")");
            if (found != null) {
                move(found[0], passwords());
            }
        } catch (IOException | InvalidSyntaxException | RuntimeException e) {
            LOG.error("Could not check configuration {} for secrets in clear", pid, e);
        }
    }

    private void move(Configuration configuration, Map<String, Set<String>> passwords) throws IOException {
        long read = configuration.getChangeCount();
        Dictionary<String, Object> properties = configuration.getProperties();
        if (properties == null) {
            return;
        }
        Set<String> declared = new HashSet<>(passwords.getOrDefault(configuration.getPid(), Set.of()));
        if (configuration.getFactoryPid() != null) {
            declared.addAll(passwords.getOrDefault(configuration.getFactoryPid(), Set.of()));
        }
        Map<String, Object> before = new HashMap<>();
        for (String key : Collections.list(properties.keys())) {
            before.put(key, properties.get(key));
        }
        Map<String, String> moved = inClear(before, declared);
        if (moved.isEmpty()) {
            return;
        }
        Hashtable<String, Object> after = new Hashtable<>(before);
        Map<String, String> references = new HashMap<>();
        for (Map.Entry<String, String> secret : moved.entrySet()) {
            String file = fileName(configuration.getPid(), secret.getKey());
            write(directory.resolve(file), secret.getValue());
            after.put(secret.getKey(), "$[secret:" + file + "]");
            references.put(secret.getKey(), "$[secret:" + file + "]");
            LOG.info("The secret {} of {} moved out of the configuration, to {}", secret.getKey(), configuration.getPid(),
                    directory.resolve(file));
        }
        if (configuration.getChangeCount() != read) {
            // changed meanwhile: writing what was read would undo that change; its own event comes next
            return;
        }
        // A configuration read from a .cfg in etc/ is changed in its file, written whole: file install reads
        // it and updates Config Admin. Updated through Config Admin instead, file install would write the
        // file back in place, and its own watcher could read it half-written and empty the configuration.
        Object source = before.get(FILE_INSTALL_SOURCE);
        if (source != null && rewrite(Path.of(URI.create(source.toString())), references)) {
            return;
        }
        configuration.updateIfDifferent(after);
    }

    /** Where file install read a configuration from, a {@code file:} URL. */
    static final String FILE_INSTALL_SOURCE = "felix.fileinstall.filename";

    /**
     * Sets each of {@code values} (key → new value) in the properties file {@code cfg}, keeping every other
     * line as it is, and replaces the file in one move. False, and the file untouched, when one of the keys
     * is not in it or it cannot be written.
     */
    static boolean rewrite(Path cfg, Map<String, String> values) {
        try {
            // Latin-1 keeps every byte as it was, whatever the file's encoding; keys and values set here are ASCII
            List<String> lines = Files.readAllLines(cfg, StandardCharsets.ISO_8859_1);
            List<String> out = new ArrayList<>();
            Set<String> found = new HashSet<>();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                String key = keyOf(line);
                if (key != null && values.containsKey(key) && found.add(key)) {
                    out.add(key + " = " + values.get(key));
                    // a value continued on the next lines goes with it
                    while (continues(lines.get(i)) && i + 1 < lines.size()) {
                        i++;
                    }
                    continue;
                }
                out.add(line);
            }
            if (!found.equals(values.keySet())) {
                return false;
            }
            Path part = cfg.resolveSibling("." + cfg.getFileName() + ".part");
            try {
                Files.write(part, out, StandardCharsets.ISO_8859_1);
                Files.move(part, cfg, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(part);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not rewrite {}: {}; the configuration is updated instead", cfg, e.toString());
            return false;
        }
    }

    /** The key a properties line sets, or null for a comment, a blank line or a continuation. */
    private static String keyOf(String line) {
        String stripped = line.stripLeading();
        if (stripped.isEmpty() || stripped.startsWith("#") || stripped.startsWith("!")) {
            return null;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([^=:\\s]+)\\s*[=:\\s]").matcher(stripped + " ");
        return m.lookingAt() ? m.group(1) : null;
    }

    private static boolean continues(String line) {
        int backslashes = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    /** The secrets of one configuration still written in clear: key → value. */
    static Map<String, String> inClear(Map<String, Object> properties, Set<String> declaredPasswords) {
        Map<String, String> clear = new HashMap<>();
        properties.forEach((key, value) -> {
            boolean secret = declaredPasswords.contains(key) || key.equals("password") || key.startsWith("secret.");
            if (secret && value instanceof String s && !s.isBlank() && !s.contains("$[")) {
                clear.put(key, s);
            }
        });
        return clear;
    }

    /** A name the interpolation plugin accepts and an operator recognises: {@code <pid>.<key>}. */
    static String fileName(String pid, String key) {
        return (pid + "." + key).replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** Written whole or not at all, readable by the server's user only. */
    static void write(Path file, String secret) {
        try {
            Files.createDirectories(file.getParent());
            Path part = Files.createTempFile(file.getParent(), ".secret", ".part");
            try {
                if (Files.getFileStore(part).supportsFileAttributeView("posix")) {
                    Files.setPosixFilePermissions(part, PosixFilePermissions.fromString("rw-------"));
                }
                Files.writeString(part, secret, StandardCharsets.UTF_8);
                Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(part);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** PID (or factory PID) → the attributes its bundle's metatype declares as passwords. */
    private Map<String, Set<String>> passwords() {
        Map<String, Set<String>> passwords = new HashMap<>();
        for (Bundle bundle : context.getBundles()) {
            MetaTypeInformation info = metaTypes.getMetaTypeInformation(bundle);
            if (info == null) {
                continue;
            }
            for (String[] pids : new String[][] {info.getPids(), info.getFactoryPids()}) {
                for (String pid : pids == null ? new String[0] : pids) {
                    try {
                        ObjectClassDefinition ocd = info.getObjectClassDefinition(pid, null);
                        AttributeDefinition[] attributes = ocd == null ? null : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL);
                        for (AttributeDefinition a : attributes == null ? new AttributeDefinition[0] : attributes) {
                            if (a.getType() == AttributeDefinition.PASSWORD) {
                                passwords.computeIfAbsent(pid, p -> new HashSet<>()).add(a.getID());
                            }
                        }
                    } catch (IllegalArgumentException unreadable) {
                        LOG.debug("metatype of {} in {} unreadable", pid, bundle.getSymbolicName(), unreadable);
                    }
                }
            }
        }
        return passwords;
    }
}
