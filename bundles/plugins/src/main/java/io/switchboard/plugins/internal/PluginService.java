package io.switchboard.plugins.internal;

import io.switchboard.api.CanonicalJson;
import io.switchboard.bus.BusGrants;
import io.switchboard.plugins.CatalogEntry;
import io.switchboard.plugins.Installation;
import io.switchboard.plugins.PluginDescriptor;
import io.switchboard.plugins.PluginRefusedException;
import io.switchboard.plugins.Plugins;
import io.switchboard.plugins.Preview;
import io.switchboard.plugins.UpgradeReport;
import io.switchboard.rest.Readiness;
import io.switchboard.rest.RestEndpoint;
import io.switchboard.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.http.runtime.HttpServiceRuntime;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog and the installed plugins ({@link Plugins}), served at {@code /switchboard/api/catalog}
 * and {@code /switchboard/api/plugins}, and as the {@code io.switchboard:type=Plugins} MBean for
 * Hawtio. One operation at a time: two upgrades of one plugin interleaved would leave neither
 * version whole. Configured by {@code etc/io.switchboard.plugins.cfg}.
 */
@Component(immediate = true, configurationPid = "io.switchboard.plugins")
@Designate(ocd = PluginService.Config.class)
public class PluginService implements Plugins {

    @ObjectClassDefinition(name = "Switchboard plugins", description = "The plugin catalog and plugin installation")
    public @interface Config {
        @AttributeDefinition(description = "Where published plugins are kept; also a static catalog site (index.json). "
                + "Empty: <karaf.data>/catalog")
        String catalogDirectory() default "";

        @AttributeDefinition(description = "Certificates of trusted plugin signers (*.pem, *.crt, *.cer). Empty: <karaf.etc>/plugin-trust")
        String trustDirectory() default "";

        @AttributeDefinition(description = "Accept unsigned plugins: for development only, never in production")
        boolean allowUnsigned() default false;

        @AttributeDefinition(description = "Longest wait for a plugin's in-flight exchanges when it is drained")
        int drainTimeoutSeconds() default 30;

        @AttributeDefinition(description = "Longest wait for a plugin's bundles and routes to start")
        int startTimeoutSeconds() default 120;

        @AttributeDefinition(description = "Largest KAR accepted by POST /catalog/plugins, in bytes")
        int maxKarBytes() default 64 * 1024 * 1024;
    }

    private static final Logger LOG = LoggerFactory.getLogger(PluginService.class);
    static final String CHANGELOG = "io/switchboard/plugins/db/changelog.xml";
    /** Config Admin's own keys, not the plugin's configuration. */
    private static final Set<String> BOOKKEEPING = Set.of("service.pid", "service.factoryPid", "felix.fileinstall.filename",
            "service.bundleLocation", "org.apache.karaf.features.configKey");

    private final BundleContext context;
    private final Config config;
    private final BusGrants grants;
    private final ConfigurationAdmin configurations;
    private final CanonicalJson json = new CanonicalJson();
    private final Catalog catalog;
    private final TrustedSigners trust;
    private final Installations installations;
    private final FeatureDeployment deployment;
    private final Drain drain;
    private final Readiness readiness;
    private final List<AutoCloseable> endpoints = new ArrayList<>();
    private final PluginsMBean mbean;

    @Activate
    public PluginService(BundleContext context, Config config, @Reference Store store, @Reference FeaturesService features,
                         @Reference BusGrants grants, @Reference ConfigurationAdmin configurations,
                         @Reference ServiceComponentRuntime scr, @Reference HttpServiceRuntime http) throws Exception {
        this.context = context;
        this.config = config;
        this.grants = grants;
        this.configurations = configurations;
        store.migrate(CHANGELOG, PluginService.class.getClassLoader());
        String data = System.getProperty("karaf.data", "data");
        String etc = System.getProperty("karaf.etc", "etc");
        this.catalog = new Catalog(Path.of(config.catalogDirectory().isBlank() ? data + "/catalog" : config.catalogDirectory()), json);
        this.trust = new TrustedSigners(Path.of(config.trustDirectory().isBlank() ? etc + "/plugin-trust" : config.trustDirectory()));
        this.installations = new Installations(store);
        this.deployment = new FeatureDeployment(features, context, Path.of(data, "kar"));
        this.drain = new Drain(context, config.drainTimeoutSeconds());
        this.readiness = new Readiness(scr, http, this::current);
        if (config.allowUnsigned()) {
            LOG.warn("Unsigned plugins are allowed (allowUnsigned=true in etc/io.switchboard.plugins.cfg): for development only");
        }
        endpoints.add(RestEndpoint.publish(context, "/catalog", Math.max(1024, config.maxKarBytes()), false, new CatalogApi(this, catalog)));
        endpoints.add(RestEndpoint.publish(context, "/plugins", RestEndpoint.DEFAULT_MAX_BODY_BYTES, false, new PluginsApi(this)));
        this.mbean = PluginsMBean.register(this, json);
    }

    @Deactivate
    void deactivate() {
        mbean.close();
        for (AutoCloseable e : endpoints) {
            try {
                e.close();
            } catch (Exception ignored) {
                // the bundle is stopping: nothing to do about an endpoint that would not close
            }
        }
    }

    boolean allowUnsigned() {
        return config.allowUnsigned();
    }

    // ---------------------------------------------------------------- catalog

    @Override
    public CatalogEntry publish(byte[] kar) {
        PluginArchive archive = PluginArchive.open(kar, trust, config.allowUnsigned());
        CatalogEntry entry = catalog.add(archive, kar);
        LOG.info("Published {} {} signed by {}", entry.plugin().id(), entry.plugin().version(), entry.signer());
        return entry;
    }

    @Override
    public List<CatalogEntry> catalog() {
        return catalog.entries();
    }

    @Override
    public Optional<byte[]> kar(String id, String version) {
        return catalog.kar(id, version).map(p -> {
            try {
                return Files.readAllBytes(p);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** A published version, its signature checked again: the catalog's files may have been touched since. */
    private PluginArchive verified(String id, String version) {
        CatalogEntry entry = catalog.entry(id, version).orElseThrow(() -> new NoSuchElementException(
                "no plugin " + id + (version == null ? "" : " " + version) + " in the catalog"));
        Path kar = catalog.kar(id, entry.plugin().version()).orElseThrow();
        return PluginArchive.open(kar, trust, config.allowUnsigned());
    }

    // ---------------------------------------------------------------- installed plugins

    @Override
    public synchronized Preview preview(String id, String version) {
        PluginArchive archive = verified(id, version);
        PluginDescriptor d = archive.descriptor();
        Optional<Installations.Row> row = installations.find(id);
        List<String> problems = new ArrayList<>(deployment.unmet(d.requires()));
        if (row.isPresent() && row.get().version().equals(d.version())) {
            problems.add(id + " " + d.version() + " is installed already");
            return new Preview(d, archive.signer(), d.version(), List.of(), List.of(), List.of(), problems);
        }
        boolean stagedHere = true;
        List<String> install;
        List<String> uninstall = List.of();
        try {
            Feature feature = deployment.stage(archive);
            install = deployment.missing(deployment.locations(feature));
            if (row.isPresent() && stagedHere) {
                PluginDescriptor old = descriptor(row.get());
                uninstall = deployment.bundles(old).stream().map(Bundle::getLocation).toList();
            }
        } catch (PluginRefusedException e) {
            problems.add(e.getMessage());
            install = List.of();
        } catch (Exception e) {
            problems.add("Karaf cannot resolve the plugin's feature: " + e.getMessage());
            install = List.of();
        } finally {
            if (stagedHere) {
                deployment.unstage(d);
            }
        }
        return new Preview(d, archive.signer(), row.map(Installations.Row::version).orElse(null), install, uninstall, List.of(), problems);
    }

    @Override
    public synchronized Installation install(String id, String version) {
        if (installations.find(id).isPresent()) {
            throw new IllegalStateException(id + " is installed already: upgrade it, or uninstall it first");
        }
        PluginArchive archive = verified(id, version);
        PluginDescriptor d = archive.descriptor();
        refuseUnmet(d);
        try {
            start(archive);
        } catch (RuntimeException e) {
            grants.revoke(id);
            throw e;
        }
        installations.put(new Installations.Row(id, d.version(), d.feature(), archive.signer(), Instant.now(), null, null,
                json.toJson(d)), "install", null, null);
        LOG.info("Installed plugin {} {}", id, d.version());
        return installation(installations.find(id).orElseThrow());
    }

    @Override
    public UpgradeReport upgrade(String id, String version) {
        return upgrade(id, version, null);
    }

    @Override
    public synchronized UpgradeReport upgrade(String id, String version, String approvedSigner) {
        Installations.Row row = installations.find(id).orElseThrow(() -> new NoSuchElementException(id + " is not installed"));
        if (version == null || version.isBlank()) {
            version = catalog.entry(id, null).orElseThrow(() -> new NoSuchElementException("no plugin " + id + " in the catalog"))
                    .plugin().version();
        }
        if (row.version().equals(version)) {
            throw new IllegalStateException(id + " " + version + " is installed already");
        }
        PluginArchive next = verified(id, version);
        refuseNewSigner(row, next, approvedSigner);
        return replace(row, next, null, "upgrade");
    }

    /**
     * Whoever signed the installed version signs its upgrades: a version signed by anyone else, even
     * another trusted signer, replaces it only once the operator approves that signer by name.
     */
    static void refuseNewSigner(Installations.Row row, PluginArchive next, String approvedSigner) {
        String installed = row.signer() == null ? UNSIGNED : row.signer();
        String offered = next.signer() == null ? UNSIGNED : next.signer();
        if (installed.equals(offered) || offered.equals(approvedSigner)) {
            return;
        }
        throw new PluginRefusedException(row.id() + " " + row.version() + " was signed by " + installed + ", " + next.descriptor().version()
                + " is signed by " + offered + ": approve the new signer to upgrade (\"approvedSigner\":\"" + offered
                + "\" in the upgrade request, or switchboard:plugin-upgrade --approve-signer)");
    }

    /** How an unsigned version's signer is named, where unsigned plugins are allowed. */
    static final String UNSIGNED = "(unsigned)";

    @Override
    public synchronized UpgradeReport rollback(String id) {
        Installations.Row row = installations.find(id).orElseThrow(() -> new NoSuchElementException(id + " is not installed"));
        if (row.previousVersion() == null) {
            throw new IllegalStateException(id + " " + row.version() + " has no earlier version to roll back to");
        }
        return replace(row, verified(id, row.previousVersion()), row.previousConfig(), "rollback");
    }

    /**
     * Replaces the installed version: the new one is staged first, then the old one is drained and
     * uninstalled and the new one installed; the pause is what lies between the old one's suspension
     * and the new one's routes running. {@code restore}: the configuration to go back to (a rollback).
     */
    private UpgradeReport replace(Installations.Row row, PluginArchive next, String restore, String action) {
        PluginDescriptor old = descriptor(row);
        PluginDescriptor d = next.descriptor();
        refuseUnmet(d);
        String snapshot = json.toJson(snapshot(old.configurations()));
        deployment.stage(next);
        long suspended = System.nanoTime();
        long drained;
        long stopped;
        long installed;
        long running;
        try {
            drain.suspend(deployment.bundles(old));
            drained = System.nanoTime();
            // a failed earlier attempt may have left it uninstalled already
            if (deployment.installed(old)) {
                deployment.uninstall(old);
            }
            stopped = System.nanoTime();
        } catch (Exception e) {
            deployment.unstage(d);
            throw new IllegalStateException("could not stop " + old.id() + " " + old.version() + ": " + e.getMessage(), e);
        }
        try {
            if (restore != null) {
                restore(restore);
            }
            grants.grant(d.id(), Set.copyOf(d.reads()), Set.copyOf(d.writes()));
            deployment.install(d);
            installed = System.nanoTime();
            awaitStarted(d);
            running = System.nanoTime();
        } catch (Exception e) {
            LOG.error("{} {} did not start; going back to {}", d.id(), d.version(), old.version(), e);
            putBack(old, d);
            throw new IllegalStateException(d.id() + " " + d.version() + " did not start (" + e.getMessage() + "); "
                    + old.version() + " is running again", e);
        }
        long pause = (running - suspended) / 1_000_000;
        deployment.unstage(old);
        installations.put(new Installations.Row(d.id(), d.version(), d.feature(), next.signer(), Instant.now(), old.version(),
                snapshot, json.toJson(d)), action, old.version(), "paused " + pause + " ms");
        // where the pause went, for an operator wondering why it was long
        LOG.info("{} {} → {} ({}): paused {} ms: drained in {} ms, old version stopped in {} ms, new one installed in {} ms, "
                        + "its routes running {} ms later", d.id(), old.version(), d.version(), action, pause,
                (drained - suspended) / 1_000_000, (stopped - drained) / 1_000_000, (installed - stopped) / 1_000_000,
                (running - installed) / 1_000_000);
        return new UpgradeReport(d.id(), old.version(), d.version(), (drained - suspended) / 1_000_000, pause,
                installation(installations.find(d.id()).orElseThrow()));
    }

    private void putBack(PluginDescriptor old, PluginDescriptor failed) {
        try {
            deployment.uninstall(failed);
        } catch (Exception ignored) {
            // it may never have been installed
        }
        deployment.unstage(failed);
        try {
            grants.grant(old.id(), Set.copyOf(old.reads()), Set.copyOf(old.writes()));
            deployment.install(old);
        } catch (Exception e) {
            LOG.error("{} {} could not be reinstalled either: install it by hand", old.id(), old.version(), e);
        }
    }

    @Override
    public synchronized void uninstall(String id) {
        Installations.Row row = installations.find(id).orElseThrow(() -> new NoSuchElementException(id + " is not installed"));
        PluginDescriptor d = descriptor(row);
        try {
            drain.suspend(deployment.bundles(d));
            if (deployment.installed(d)) {
                deployment.uninstall(d);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not uninstall " + id + ": " + e.getMessage(), e);
        }
        deployment.unstage(d);
        grants.revoke(id);
        installations.remove(id, row.version());
        LOG.info("Uninstalled plugin {} {}", id, row.version());
    }

    @Override
    public List<Installation> installed() {
        return installations.all().stream().map(this::installation).toList();
    }

    @Override
    public Map<String, String> configuration(String id, String pid) {
        ownedPid(id, pid);
        return snapshot(List.of(pid)).getOrDefault(pid, Map.of());
    }

    @Override
    public synchronized Map<String, String> configure(String id, String pid, Map<String, String> values) {
        ownedPid(id, pid);
        try {
            Configuration c = configurations.getConfiguration(pid, "?");
            Dictionary<String, Object> props = c.getProperties() == null ? new java.util.Hashtable<>() : c.getProperties();
            values.forEach((k, v) -> {
                if (BOOKKEEPING.contains(k)) {
                    throw new IllegalArgumentException(k + " is Config Admin's, not the plugin's");
                }
                if (v == null) {
                    props.remove(k);
                } else {
                    props.put(k, v);
                }
            });
            c.update(props);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // answered once the plugin runs with it: a message right after the 200 must not meet it restarting
        try {
            awaitStarted(descriptor(installations.find(id).orElseThrow()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + id + " took configuration " + pid, e);
        } catch (Exception e) {
            throw new IllegalStateException(id + " did not start again with configuration " + pid + ": " + e.getMessage(), e);
        }
        return configuration(id, pid);
    }

    private void ownedPid(String id, String pid) {
        Installations.Row row = installations.find(id).orElseThrow(() -> new NoSuchElementException(id + " is not installed"));
        if (!descriptor(row).configurations().contains(pid)) {
            throw new NoSuchElementException(id + " has no configuration " + pid + " (its descriptor names "
                    + descriptor(row).configurations() + ")");
        }
    }

    // ---------------------------------------------------------------- steps

    private void refuseUnmet(PluginDescriptor d) {
        List<String> unmet = deployment.unmet(d.requires());
        if (!unmet.isEmpty()) {
            throw new PluginRefusedException(d.id() + " " + d.version() + " " + String.join("; ", unmet));
        }
    }

    private void start(PluginArchive archive) {
        PluginDescriptor d = archive.descriptor();
        grants.grant(d.id(), Set.copyOf(d.reads()), Set.copyOf(d.writes()));
        deployment.stage(archive);
        try {
            deployment.install(d);
            awaitStarted(d);
        } catch (Exception e) {
            try {
                deployment.uninstall(d);
            } catch (Exception ignored) {
                // it may never have been installed
            }
            deployment.unstage(d);
            if (e instanceof PluginRefusedException refused) {
                throw refused;
            }
            throw new IllegalStateException(d.id() + " " + d.version() + " did not start: " + e.getMessage(), e);
        }
    }

    /**
     * Until the plugin serves: every bundle active, its configurations in Config Admin (a feature's
     * configfile reaches Config Admin a moment after the bundles start, and a configuration set before
     * that would be overwritten by the file), every component running with them and its HTTP
     * endpoints served (Readiness), and for a plugin that reads the bus its routes running. An install or upgrade answers only then, so the
     * plugin's first message finds it whole.
     */
    private void awaitStarted(PluginDescriptor d) throws Exception {
        long started = System.nanoTime();
        long deadline = started + config.startTimeoutSeconds() * 1_000_000_000L;
        String state = "";
        while (System.nanoTime() < deadline) {
            List<Bundle> bundles = deployment.bundles(d);
            boolean active = !bundles.isEmpty() && bundles.stream().allMatch(b -> b.getState() == Bundle.ACTIVE);
            // a plugin without a configuration file for a PID it names is not waited for long
            boolean configured = System.nanoTime() - started > 10_000_000_000L || d.configurations().stream().allMatch(this::configured);
            List<String> pending = new ArrayList<>();
            if (active) {
                pending.addAll(readiness.pending(bundles));
            }
            if (active && configured && pending.isEmpty() && drain.started(bundles, !d.reads().isEmpty())) {
                return;
            }
            state = bundles.stream().map(b -> b.getSymbolicName() + " " + bundleState(b)).toList() + (pending.isEmpty() ? "" : " " + pending);
            Thread.sleep(50);
        }
        throw new IllegalStateException("not started within " + config.startTimeoutSeconds() + " s: " + state);
    }

    private boolean configured(String pid) {
        try {
            return current(pid).isPresent();
        } catch (IllegalStateException unreadable) {
            return false;
        }
    }

    /** The values Config Admin holds for {@code pid} now, without its own keys; empty if it has none. */
    private Optional<Map<String, Object>> current(String pid) {
        try {
            Configuration[] found = configurations.listConfigurations("(service.pid=" + pid + ")");
            if (found == null || found.length == 0 || found[0].getProperties() == null) {
                return Optional.empty();
            }
            Map<String, Object> values = new TreeMap<>();
            Dictionary<String, Object> props = found[0].getProperties();
            for (Enumeration<String> keys = props.keys(); keys.hasMoreElements(); ) {
                String k = keys.nextElement();
                if (!BOOKKEEPING.contains(k)) {
                    values.put(k, props.get(k));
                }
            }
            return Optional.of(values);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read configuration " + pid + ": " + e.getMessage(), e);
        }
    }

    private Map<String, Map<String, String>> snapshot(List<String> pids) {
        Map<String, Map<String, String>> snapshot = new TreeMap<>();
        for (String pid : pids) {
            current(pid).ifPresent(values -> {
                Map<String, String> strings = new TreeMap<>();
                values.forEach((k, v) -> strings.put(k, String.valueOf(v)));
                snapshot.put(pid, strings);
            });
        }
        return snapshot;
    }

    @SuppressWarnings("unchecked")
    private void restore(String snapshotJson) {
        Map<String, Map<String, String>> snapshot = json.fromJson(snapshotJson, LinkedHashMap.class);
        for (Map.Entry<String, Map<String, String>> e : snapshot.entrySet()) {
            try {
                Configuration c = configurations.getConfiguration(e.getKey(), "?");
                Dictionary<String, Object> props = c.getProperties() == null ? new java.util.Hashtable<>() : c.getProperties();
                // keys set since the snapshot go; Config Admin's own stay
                for (String k : Collections.list(props.keys())) {
                    if (!BOOKKEEPING.contains(k) && !e.getValue().containsKey(k)) {
                        props.remove(k);
                    }
                }
                e.getValue().forEach(props::put);
                c.update(props);
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot restore configuration " + e.getKey(), ex);
            }
        }
    }

    private PluginDescriptor descriptor(Installations.Row row) {
        return json.fromJson(row.descriptor(), PluginDescriptor.class);
    }

    private Installation installation(Installations.Row row) {
        List<String> bundles = deployment.bundles(descriptor(row)).stream()
                .map(b -> b.getSymbolicName() + "/" + b.getVersion() + " " + bundleState(b)).toList();
        return new Installation(row.id(), row.version(), row.previousVersion(), row.feature(), row.signer(), row.installedAt(), bundles);
    }

    static String bundleState(Bundle b) {
        return switch (b.getState()) {
            case Bundle.ACTIVE -> "Active";
            case Bundle.RESOLVED -> "Resolved";
            case Bundle.INSTALLED -> "Installed";
            case Bundle.STARTING -> "Starting";
            case Bundle.STOPPING -> "Stopping";
            default -> "Uninstalled";
        };
    }
}
