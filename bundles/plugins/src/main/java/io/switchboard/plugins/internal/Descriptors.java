package io.switchboard.plugins.internal;

import io.switchboard.plugins.PluginDescriptor;
import io.switchboard.plugins.PluginRefusedException;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.osgi.framework.Version;
import org.osgi.framework.VersionRange;

/** Reads and checks {@code META-INF/switchboard-plugin.json}; a refusal names the field that is wrong. */
final class Descriptors {

    static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{1,62}");
    /**
     * A bus address a plugin may be granted: a name, never a wildcard that would grant more than it
     * says, and never a dead-letter queue, whose messages an admin's replay sends on to their address.
     */
    static final Pattern ADDRESS = Pattern.compile("(?!DLQ(\\.|$))[A-Za-z0-9][A-Za-z0-9._:-]{0,199}");
    static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]+(:[0-9]{1,5})?");

    private Descriptors() {
    }

    static PluginDescriptor parse(byte[] json) {
        JsonObject o;
        try (var reader = Json.createReader(new java.io.InputStreamReader(new ByteArrayInputStream(json), StandardCharsets.UTF_8))) {
            o = reader.readObject();
        } catch (JsonException | IllegalStateException e) {
            throw new PluginRefusedException("The plugin descriptor is not a JSON object: " + e.getMessage(), e);
        }
        String id = required(o, "id");
        if (!ID.matcher(id).matches()) {
            throw refused("id", "'" + id + "' is not a plugin id (lower-case letters, digits and '-', 2 to 63)");
        }
        String version = required(o, "version");
        try {
            Version.parseVersion(version.replace("-SNAPSHOT", ".SNAPSHOT"));
        } catch (IllegalArgumentException e) {
            throw refused("version", "'" + version + "' is not a version");
        }
        Map<String, String> requires = new LinkedHashMap<>();
        JsonValue r = o.get("requires");
        if (r != null && r.getValueType() == JsonValue.ValueType.OBJECT) {
            for (Map.Entry<String, JsonValue> e : r.asJsonObject().entrySet()) {
                String range = e.getValue() instanceof JsonString s ? s.getString() : null;
                try {
                    new VersionRange(range);
                } catch (IllegalArgumentException | NullPointerException bad) {
                    throw refused("requires", "'" + range + "' for " + e.getKey() + " is not an OSGi version range");
                }
                requires.put(e.getKey(), range);
            }
        } else if (r != null && r.getValueType() != JsonValue.ValueType.NULL) {
            throw refused("requires", "must be an object of package names to version ranges");
        }
        String feature = optional(o, "feature", id);
        String repository = required(o, "featuresRepository");
        if (!repository.startsWith("mvn:")) {
            throw refused("featuresRepository", "must be a mvn: URL inside the KAR");
        }
        return new PluginDescriptor(id, optional(o, "name", id), optional(o, "vendor", ""), version,
                optional(o, "licence", ""), optional(o, "price", ""), optional(o, "description", ""), feature, repository,
                requires, list(o, "reads", ADDRESS), list(o, "writes", ADDRESS), list(o, "hosts", HOST),
                list(o, "configurations", Pattern.compile("[A-Za-z0-9._-]+")));
    }

    private static String required(JsonObject o, String field) {
        String value = optional(o, field, null);
        if (value == null || value.isBlank()) {
            throw refused(field, "is missing");
        }
        return value;
    }

    private static String optional(JsonObject o, String field, String otherwise) {
        JsonValue v = o.get(field);
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return otherwise;
        }
        if (!(v instanceof JsonString s)) {
            throw refused(field, "must be a string");
        }
        return s.getString();
    }

    private static List<String> list(JsonObject o, String field, Pattern each) {
        JsonValue v = o.get(field);
        List<String> values = new ArrayList<>();
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return values;
        }
        if (v.getValueType() != JsonValue.ValueType.ARRAY) {
            throw refused(field, "must be an array of strings");
        }
        for (JsonValue item : v.asJsonArray()) {
            if (!(item instanceof JsonString s) || !each.matcher(s.getString()).matches()) {
                throw refused(field, "'" + item + "' is not allowed here");
            }
            values.add(s.getString());
        }
        return List.copyOf(values);
    }

    private static PluginRefusedException refused(String field, String why) {
        return new PluginRefusedException("The plugin descriptor's \"" + field + "\" " + why);
    }
}
