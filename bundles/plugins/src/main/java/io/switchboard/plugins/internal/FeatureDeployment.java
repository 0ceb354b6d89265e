package io.switchboard.plugins.internal;

import io.switchboard.bus.BusGrants;
import io.switchboard.plugins.PluginDescriptor;
import io.switchboard.plugins.PluginRefusedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.karaf.features.BundleInfo;
import org.apache.karaf.features.Dependency;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.features.Repository;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Version;
import org.osgi.framework.VersionRange;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;

/**
 * A plugin version in Karaf: its repository staged where Karaf looks for KAR contents
 * ({@code data/kar/<name>/}, the {@code kar.repository} of pax-url-mvn), its features repository
 * added, its feature installed and uninstalled. Always without refreshing other bundles: a plugin
 * must never restart the core it plugs into.
 */
final class FeatureDeployment {

    private static final EnumSet<FeaturesService.Option> NO_REFRESH = EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles);

    private final FeaturesService features;
    private final BundleContext context;
    private final Path karRepositories;

    FeatureDeployment(FeaturesService features, BundleContext context, Path karRepositories) {
        this.features = features;
        this.context = context;
        this.karRepositories = karRepositories;
    }

    /** Puts the plugin's artifacts where pax-url-mvn resolves {@code mvn:} URLs from and adds its features. */
    Feature stage(PluginArchive archive) {
        PluginDescriptor d = archive.descriptor();
        Path dir = karRepositories.resolve(stagingName(d));
        try {
            for (Map.Entry<String, byte[]> e : archive.repository().entrySet()) {
                Path file = dir.resolve(e.getKey()).normalize();
                if (!file.startsWith(dir)) {
                    throw new PluginRefusedException("Unsafe path in the plugin: " + e.getKey());
                }
                Files.createDirectories(file.getParent());
                Files.write(file, e.getValue());
            }
            URI own = URI.create(d.featuresRepository());
            KarContents kar = new KarContents(archive.repository().keySet(), l -> context.getBundle(l) != null, d.configurations());
            if (!kar.inside(own.toString())) {
                throw new PluginRefusedException("The plugin's features repository " + own + " is not in the signed KAR");
            }
            Set<String> known = new java.util.HashSet<>();
            for (Repository r : features.listRepositories()) {
                known.add(r.getURI().toString());
            }
            features.addRepository(own, false);
            Feature feature = features.getFeature(d.feature(), featureVersion(d.version()));
            if (feature == null) {
                throw new PluginRefusedException("The plugin's features repository " + d.featuresRepository()
                        + " has no feature " + d.feature() + " " + d.version());
            }
            refuseOutside(kar, features.getRepository(own), known);
            return feature;
        } catch (PluginRefusedException e) {
            unstage(d);
            throw e;
        } catch (IOException e) {
            unstage(d);
            throw new UncheckedIOException("cannot stage " + d.id() + " in " + dir, e);
        } catch (Exception e) {
            unstage(d);
            throw new PluginRefusedException("Karaf cannot read the plugin's features: " + e.getMessage(), e);
        }
    }

    /** Every bundle, configuration and repository the plugin's own features name must come from its signed KAR. */
    private static void refuseOutside(KarContents kar, Repository repository, Set<String> known) throws Exception {
        List<String> bundles = new ArrayList<>();
        List<KarContents.ConfigFile> configFiles = new ArrayList<>();
        List<String> pids = new ArrayList<>();
        for (Feature f : repository.getFeatures()) {
            f.getBundles().forEach(b -> bundles.add(b.getLocation().trim()));
            f.getConditional().forEach(c -> c.getBundles().forEach(b -> bundles.add(b.getLocation().trim())));
            f.getConfigurationFiles().forEach(c -> configFiles.add(new KarContents.ConfigFile(c.getLocation().trim(), c.getFinalname())));
            f.getConfigurations().forEach(c -> pids.add(c.getName()));
        }
        List<String> repositories = java.util.Arrays.stream(repository.getRepositories()).map(URI::toString).toList();
        List<String> problems = kar.outside(bundles, configFiles, pids, repositories, known::contains);
        if (!problems.isEmpty()) {
            throw new PluginRefusedException("The plugin's features reach outside its signed KAR: " + String.join("; ", problems));
        }
    }

    /** Takes a staged version away again (its features repository and its files). */
    void unstage(PluginDescriptor d) {
        try {
            features.removeRepository(URI.create(d.featuresRepository()), false);
        } catch (Exception e) {
            // not added, or already gone: nothing of it stays installed either way
        }
        Path dir = karRepositories.resolve(stagingName(d));
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    void install(PluginDescriptor d) throws Exception {
        features.installFeature(d.feature(), featureVersion(d.version()), NO_REFRESH);
    }

    void uninstall(PluginDescriptor d) throws Exception {
        features.uninstallFeature(d.feature(), featureVersion(d.version()), NO_REFRESH);
    }

    /** Every bundle location the feature brings, its dependencies' included. */
    List<String> locations(Feature feature) throws Exception {
        Set<String> locations = new LinkedHashSet<>();
        collect(feature, locations, new LinkedHashSet<>());
        return new ArrayList<>(locations);
    }

    private void collect(Feature feature, Set<String> locations, Set<String> visited) throws Exception {
        if (feature == null || !visited.add(feature.getName() + "/" + feature.getVersion())) {
            return;
        }
        for (BundleInfo b : feature.getBundles()) {
            locations.add(b.getLocation().trim());
        }
        for (Dependency dep : feature.getDependencies()) {
            Feature[] matches = features.getFeatures(dep.getName(), dep.getVersion());
            Feature match = matches == null || matches.length == 0 ? null : matches[matches.length - 1];
            // an installed feature (switchboard-core) is resolved already: its optional and
            // alternative bundles are not what this install would add
            if (match != null && !features.isInstalled(match)) {
                collect(match, locations, visited);
            }
        }
    }

    /** Of {@code locations}, those the framework does not have yet. */
    List<String> missing(List<String> locations) {
        return locations.stream().filter(l -> context.getBundle(l) == null).toList();
    }

    /**
     * The plugin's own bundles, as installed: those whose {@code Switchboard-Plugin} header names it (the
     * SDK's parent writes it), else those of its feature's own bundle list.
     */
    List<Bundle> bundles(PluginDescriptor d) {
        List<Bundle> own = java.util.Arrays.stream(context.getBundles())
                .filter(b -> d.id().equals(b.getHeaders("").get(BusGrants.PLUGIN_HEADER))).toList();
        if (!own.isEmpty()) {
            return own;
        }
        try {
            Feature feature = features.getFeature(d.feature(), featureVersion(d.version()));
            if (feature == null) {
                return List.of();
            }
            return feature.getBundles().stream().map(b -> context.getBundle(b.getLocation().trim()))
                    .filter(b -> b != null).toList();
        } catch (Exception e) {
            return List.of();
        }
    }

    boolean installed(PluginDescriptor d) {
        try {
            Feature feature = features.getFeature(d.feature(), featureVersion(d.version()));
            return feature != null && features.isInstalled(feature);
        } catch (Exception e) {
            return false;
        }
    }

    /** The {@code requires} ranges this platform does not satisfy, each as a sentence; empty when all hold. */
    List<String> unmet(Map<String, String> requires) {
        List<String> unmet = new ArrayList<>();
        for (Map.Entry<String, String> r : requires.entrySet()) {
            VersionRange range = new VersionRange(r.getValue());
            List<Version> offered = exported(r.getKey());
            if (offered.stream().noneMatch(range::includes)) {
                unmet.add("needs " + r.getKey() + " " + r.getValue() + " but this platform "
                        + (offered.isEmpty() ? "does not export it" : "exports " + offered));
            }
        }
        return unmet;
    }

    private List<Version> exported(String pkg) {
        List<Version> versions = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            BundleRevision revision = b.adapt(BundleRevision.class);
            if (revision == null) {
                continue;
            }
            for (BundleCapability c : revision.getDeclaredCapabilities(BundleRevision.PACKAGE_NAMESPACE)) {
                if (pkg.equals(c.getAttributes().get(BundleRevision.PACKAGE_NAMESPACE))) {
                    Object v = c.getAttributes().get("version");
                    versions.add(v instanceof Version version ? version : Version.emptyVersion);
                }
            }
        }
        return versions;
    }

    static String stagingName(PluginDescriptor d) {
        return "switchboard-plugin-" + d.id() + "-" + d.version();
    }

    /** Karaf keeps feature versions as OSGi versions: 1.0.0-SNAPSHOT is 1.0.0.SNAPSHOT there. */
    static String featureVersion(String mavenVersion) {
        return mavenVersion.replace("-SNAPSHOT", ".SNAPSHOT");
    }
}
