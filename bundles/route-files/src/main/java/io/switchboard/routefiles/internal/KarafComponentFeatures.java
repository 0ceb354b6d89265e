package io.switchboard.routefiles.internal;

import io.switchboard.routefiles.Toolbox;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.karaf.features.BundleInfo;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;

/**
 * The distribution's component features as Karaf's features service lists them. A feature brings
 * a component (or language, or data format) {@code x} when it lists the wrapped bundle
 * {@code io.switchboard.camel/camel-x}: that is how {@code bundles/camel} names them, so nothing
 * here is kept by hand beside {@code features.xml}.
 */
final class KarafComponentFeatures implements ComponentFeatures {

    static final String PREFIX = "switchboard-camel-";

    private final FeaturesService features;

    KarafComponentFeatures(FeaturesService features) {
        this.features = features;
    }

    @Override
    public Optional<String> featureFor(Toolbox.Kind kind, String name) {
        String artifact = "/camel-" + artifactOf(kind, name) + "/";
        try {
            for (Feature f : features.listFeatures()) {
                if (!f.getName().startsWith(PREFIX)) {
                    continue;
                }
                for (BundleInfo b : f.getBundles()) {
                    if (b.getLocation().startsWith("mvn:io.switchboard.camel" + artifact)) {
                        return Optional.of(f.getName());
                    }
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("the features service could not list features", e);
        }
        return Optional.empty();
    }

    /** The Camel jar of an item, where its name is not the jar's. */
    static String artifactOf(Toolbox.Kind kind, String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return switch (n) {
            case "https" -> "http";
            case "json-jackson" -> "jackson";
            default -> n;
        };
    }

    @Override
    public List<String> available() {
        List<String> names = new ArrayList<>();
        try {
            for (Feature f : features.listFeatures()) {
                if (f.getName().startsWith(PREFIX) && !features.isInstalled(f)) {
                    names.add(f.getName());
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("the features service could not list features", e);
        }
        names.sort(null);
        return names;
    }
}
