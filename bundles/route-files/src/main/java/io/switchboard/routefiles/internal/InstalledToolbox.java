package io.switchboard.routefiles.internal;

import io.switchboard.routefiles.Toolbox;
import io.switchboard.routefiles.Toolbox.Item;
import io.switchboard.routefiles.Toolbox.Kind;
import io.switchboard.routefiles.Toolbox.Option;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * What route files can use, read from the running bundles the way Camel's OSGi extender finds it
 * (a bundle's {@code META-INF/services/org/apache/camel/component|language|dataformat/<name>}),
 * described by the JSON Camel generates into each jar, and the Kamelets: the upstream catalogue's
 * {@code kamelets/*.kamelet.yaml} and the files in {@code deploy/}.
 */
final class InstalledToolbox {

    private static final Logger LOG = LoggerFactory.getLogger(InstalledToolbox.class);
    private static final String SERVICES = "META-INF/services/org/apache/camel/";

    private InstalledToolbox() {
    }

    static Toolbox read(BundleContext context, Path kameletDirectory, ComponentFeatures features) {
        List<Item> items = new ArrayList<>();
        // the platform's own, which no bundle declares: each route file's context gets it
        items.add(new Item(Kind.COMPONENT, "bus", "Switchboard bus",
                "The platform's Artemis bus: queues (bus:queue:…, bus:…) and topics (bus:topic:sb.events), transacted when consumed",
                "bus:destinationType:destinationName", "io.switchboard.switchboard-bus", List.of()));
        Set<String> seen = new HashSet<>();
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getState() != Bundle.ACTIVE) {
                continue;
            }
            for (Kind kind : List.of(Kind.COMPONENT, Kind.LANGUAGE, Kind.DATAFORMAT)) {
                String folder = SERVICES + kind.name().toLowerCase(java.util.Locale.ROOT) + "/";
                Enumeration<String> names = bundle.getEntryPaths(folder);
                while (names != null && names.hasMoreElements()) {
                    String path = names.nextElement();
                    String name = path.substring(folder.length());
                    if (name.isEmpty() || name.endsWith("/") || name.contains(".") || !seen.add(kind + "/" + name)) {
                        continue; // sub-folders (language/resolver/) and properties files are not items
                    }
                    items.add(described(bundle, kind, name));
                }
            }
        }
        items.addAll(kamelets(context, kameletDirectory));
        items.sort(Comparator.comparing(Item::kind).thenComparing(Item::name));
        return new Toolbox(items, features.available());
    }

    /** Camel's description of one item, from the JSON in its bundle, or just its name when there is none. */
    static Item described(Bundle bundle, Kind kind, String name) {
        String label = kind.name().toLowerCase(java.util.Locale.ROOT);
        Enumeration<URL> found = bundle.findEntries("META-INF/org/apache/camel", name + ".json", true);
        JsonObject json = null;
        while (found != null && found.hasMoreElements() && json == null) {
            try (InputStream in = found.nextElement().openStream(); JsonReader r = Json.createReader(in)) {
                JsonObject candidate = r.readObject();
                if (candidate.containsKey(label)) {
                    json = candidate;
                }
            } catch (IOException | RuntimeException unreadable) {
                LOG.debug("{} {}: its JSON description is unreadable", label, name, unreadable);
            }
        }
        if (json == null) {
            return new Item(kind, name, name, null, null, bundle.getSymbolicName(), List.of());
        }
        JsonObject head = json.getJsonObject(label);
        List<Option> options = new ArrayList<>();
        JsonObject properties = json.getJsonObject("properties");
        if (properties != null) {
            for (Map.Entry<String, JsonValue> p : properties.entrySet()) {
                JsonObject o = p.getValue().asJsonObject();
                options.add(new Option(p.getKey(), o.getString("kind", "parameter"), o.getString("type", null),
                        o.getBoolean("required", false), text(o.get("defaultValue")), o.getString("description", null)));
            }
        }
        return new Item(kind, name, head.getString("title", name), head.getString("description", null),
                head.getString("syntax", null), bundle.getSymbolicName(), options);
    }

    private static String text(JsonValue v) {
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        return v.getValueType() == JsonValue.ValueType.STRING ? ((jakarta.json.JsonString) v).getString() : v.toString();
    }

    /** The Kamelets of the upstream catalogue's bundle, then those in {@code deploy/} (which win by name, as the component's lookup does). */
    static List<Item> kamelets(BundleContext context, Path directory) {
        Map<String, Item> byName = new java.util.TreeMap<>();
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getState() != Bundle.ACTIVE && bundle.getState() != Bundle.RESOLVED) {
                continue;
            }
            Enumeration<URL> files = bundle.findEntries("kamelets", "*.kamelet.yaml", false);
            while (files != null && files.hasMoreElements()) {
                URL url = files.nextElement();
                try (InputStream in = url.openStream()) {
                    Item k = kamelet(new String(in.readAllBytes(), StandardCharsets.UTF_8), bundle.getSymbolicName());
                    if (k != null) {
                        byName.put(k.name(), k);
                    }
                } catch (IOException | RuntimeException unreadable) {
                    LOG.debug("Kamelet {} is unreadable", url, unreadable);
                }
            }
        }
        if (directory != null && Files.isDirectory(directory)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.kamelet.yaml")) {
                for (Path f : files) {
                    try {
                        Item k = kamelet(Files.readString(f, StandardCharsets.UTF_8), "deploy/" + f.getFileName());
                        if (k != null) {
                            byName.put(k.name(), k);
                        }
                    } catch (IOException | RuntimeException unreadable) {
                        LOG.warn("Kamelet {} in deploy/ is unreadable: {}", f.getFileName(), unreadable.toString());
                    }
                }
            } catch (IOException e) {
                LOG.warn("deploy/ could not be listed for Kamelets: {}", e.toString());
            }
        }
        return new ArrayList<>(byName.values());
    }

    /** A Kamelet's name, title, description and parameters, from its YAML; null when the YAML is no Kamelet. */
    @SuppressWarnings("unchecked")
    static Item kamelet(String yaml, String source) {
        Object doc = new Load(LoadSettings.builder().setLabel(source).build()).loadFromString(yaml);
        if (!(doc instanceof Map<?, ?> root) || !"Kamelet".equals(root.get("kind"))) {
            return null;
        }
        Map<String, Object> metadata = (Map<String, Object>) root.get("metadata");
        Map<String, Object> spec = (Map<String, Object>) root.get("spec");
        Map<String, Object> definition = spec == null ? null : (Map<String, Object>) spec.get("definition");
        if (metadata == null || metadata.get("name") == null || definition == null) {
            return null;
        }
        Collection<Object> required = definition.get("required") instanceof Collection<?> c ? (Collection<Object>) c : List.of();
        List<Option> options = new ArrayList<>();
        if (definition.get("properties") instanceof Map<?, ?> properties) {
            for (Map.Entry<?, ?> p : properties.entrySet()) {
                Map<String, Object> o = p.getValue() instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
                options.add(new Option(String.valueOf(p.getKey()), "parameter", str(o.get("type")), required.contains(p.getKey()),
                        str(o.get("default")), str(o.get("description"))));
            }
        }
        return new Item(Kind.KAMELET, String.valueOf(metadata.get("name")), str(definition.get("title")),
                str(definition.get("description")), "kamelet:" + metadata.get("name"), source, options);
    }

    private static String str(Object o) {
        return o == null ? null : String.valueOf(o).strip();
    }
}
