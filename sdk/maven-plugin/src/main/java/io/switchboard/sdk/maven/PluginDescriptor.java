package io.switchboard.sdk.maven;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.JsonWriter;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonParsingException;

/**
 * {@code META-INF/switchboard-plugin.json}: what the developer wrote in {@code src/main/plugin/switchboard-plugin.json},
 * checked, with what only the build knows filled in (id and feature when absent, version, featuresRepository,
 * requires). Operators decide on this text, and the broker's permissions are made from reads and writes, so
 * anything doubtful fails the build here rather than the installation there.
 */
final class PluginDescriptor {

    static final String SOURCE = "src/main/plugin/switchboard-plugin.json";
    static final String ENTRY = "META-INF/switchboard-plugin.json";

    static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{1,62}");
    /** A plain bus address: below sb., no Artemis wildcards (* #), so not DLQ.* either. */
    static final Pattern ADDRESS = Pattern.compile("sb(\\.[A-Za-z0-9][A-Za-z0-9_-]*)+");
    /** host:port, the host a name, an IPv4 address or a bracketed IPv6 address. */
    static final Pattern HOST = Pattern.compile("([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*|\\[[0-9A-Fa-f:.]+\\]):[0-9]{1,5}");
    static final Pattern PID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");

    private static final List<String> REQUIRED_TEXT = List.of("name", "vendor", "licence", "price");
    private static final List<String> LISTS = List.of("reads", "writes", "hosts", "configurations");
    private static final List<String> WRITTEN_ORDER = List.of("id", "name", "vendor", "licence", "price", "description", "feature",
            "reads", "writes", "hosts", "configurations");
    private static final Set<String> WRITTEN = Set.copyOf(WRITTEN_ORDER);
    private static final Set<String> FILLED = Set.of("version", "featuresRepository", "requires");

    /** Parsson directly: no service lookup through a plugin class loader that may not see it. */
    private static final JsonProvider JSON = new org.eclipse.parsson.JsonProviderImpl();

    /** What the build knows about the plugin. {@code bundleId} is the bundle's Switchboard-Plugin header, or null. */
    record Build(String artifactId, String version, String bundleId, String featuresRepository, Map<String, String> requires) {
    }

    private PluginDescriptor() {
    }

    /** The developer's descriptor, parsed and checked field by field. */
    static JsonObject read(Path file) throws InvalidDescriptorException {
        if (!Files.isRegularFile(file)) {
            throw new InvalidDescriptorException("No plugin descriptor at " + file + ": a Switchboard plugin describes itself in "
                    + SOURCE + " (a JSON object with name, vendor, licence, price, description, reads, writes, hosts, configurations)");
        }
        JsonObject written;
        try (Reader text = Files.newBufferedReader(file, StandardCharsets.UTF_8); JsonReader reader = JSON.createReader(text)) {
            JsonValue value = reader.readValue();
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                throw new InvalidDescriptorException(file + " is not a JSON object");
            }
            written = value.asJsonObject();
        } catch (JsonParsingException e) {
            throw new InvalidDescriptorException(file + " is not valid JSON: " + e.getMessage()
                    + " (line " + e.getLocation().getLineNumber() + ", column " + e.getLocation().getColumnNumber() + ")");
        } catch (JsonException | IOException e) {
            throw new InvalidDescriptorException(file + " cannot be read: " + e.getMessage());
        }
        check(file, written);
        return written;
    }

    private static void check(Path file, JsonObject written) throws InvalidDescriptorException {
        for (String field : written.keySet()) {
            if (FILLED.contains(field)) {
                throw new InvalidDescriptorException(file + ": field \"" + field + "\" is filled by the build (version from the POM, "
                        + "featuresRepository from the features XML, requires from the bundle's Import-Package): remove it");
            }
            if (!WRITTEN.contains(field)) {
                throw new InvalidDescriptorException(file + ": unknown field \"" + field + "\"" + ("license".equals(field) ? " (spelt licence)" : "")
                        + "; a descriptor has " + String.join(", ", WRITTEN_ORDER));
            }
        }
        for (String field : REQUIRED_TEXT) {
            String value = text(file, written, field);
            if (value == null || value.isBlank()) {
                throw new InvalidDescriptorException(file + ": field \"" + field + "\" is missing or empty; operators see it before they install the plugin");
            }
        }
        text(file, written, "description");
        String id = text(file, written, "id");
        if (id != null) {
            checkId(file, id, "");
        }
        String feature = text(file, written, "feature");
        if (feature != null && feature.isBlank()) {
            throw new InvalidDescriptorException(file + ": field \"feature\" is empty; leave it out to install the feature named after the artifactId");
        }
        for (String field : LISTS) {
            if (!written.containsKey(field)) {
                continue;
            }
            if (written.get(field).getValueType() != JsonValue.ValueType.ARRAY) {
                throw new InvalidDescriptorException(file + ": field \"" + field + "\" must be an array of strings");
            }
            for (JsonValue item : written.getJsonArray(field)) {
                if (item.getValueType() != JsonValue.ValueType.STRING) {
                    throw new InvalidDescriptorException(file + ": field \"" + field + "\" must be an array of strings, has " + item);
                }
                checkItem(file, field, ((JsonString) item).getString());
            }
        }
    }

    private static void checkItem(Path file, String field, String item) throws InvalidDescriptorException {
        switch (field) {
            case "reads", "writes" -> {
                if (!ADDRESS.matcher(item).matches()) {
                    throw new InvalidDescriptorException(file + ": field \"" + field + "\": \"" + item + "\" is not a bus address the plugin may be "
                            + "granted; name one address below sb. (like sb.outbound.acme), without wildcards (* #) and not a DLQ. address");
                }
            }
            case "hosts" -> {
                if (!HOST.matcher(item).matches() || Integer.parseInt(item.substring(item.lastIndexOf(':') + 1)) > 65535) {
                    throw new InvalidDescriptorException(file + ": field \"hosts\": \"" + item + "\" is not host:port (like api.acme.example:443)");
                }
            }
            default -> {
                if (!PID.matcher(item).matches()) {
                    throw new InvalidDescriptorException(file + ": field \"configurations\": \"" + item + "\" is not a configuration PID (like com.acme.channel)");
                }
            }
        }
    }

    private static void checkId(Path file, String id, String origin) throws InvalidDescriptorException {
        if (!ID.matcher(id).matches()) {
            throw new InvalidDescriptorException(file + ": field \"id\": \"" + id + "\"" + origin + " does not match " + ID.pattern()
                    + " (lower-case letters, digits and '-', 2 to 63 characters)" + (origin.isEmpty() ? "" : "; set \"id\" in the descriptor"));
        }
    }

    private static String text(Path file, JsonObject written, String field) throws InvalidDescriptorException {
        JsonValue value = written.get(field);
        if (value == null) {
            return null;
        }
        if (value.getValueType() != JsonValue.ValueType.STRING) {
            throw new InvalidDescriptorException(file + ": field \"" + field + "\" must be a string, is " + value);
        }
        return ((JsonString) value).getString();
    }

    /**
     * The descriptor as it goes into the KAR, fields in the contract's order. The id is the descriptor's, else
     * the bundle's Switchboard-Plugin header, else the artifactId; the descriptor and the header must agree,
     * since the broker grants reads and writes to the bundle that carries the header.
     */
    static JsonObject fill(Path file, JsonObject written, Build build) throws InvalidDescriptorException {
        String id = written.containsKey("id") ? written.getString("id") : build.bundleId() != null ? build.bundleId() : build.artifactId();
        if (!written.containsKey("id")) {
            checkId(file, id, build.bundleId() != null ? " (from the bundle's Switchboard-Plugin header)" : " (from the artifactId)");
        }
        if (build.bundleId() != null && !build.bundleId().equals(id)) {
            throw new InvalidDescriptorException(file + ": field \"id\" is \"" + id + "\" but the bundle says Switchboard-Plugin: "
                    + build.bundleId() + " (property switchboard.plugin.id): make them the same");
        }
        JsonObjectBuilder filled = JSON.createObjectBuilder()
                .add("id", id)
                .add("name", written.getString("name"))
                .add("vendor", written.getString("vendor"))
                .add("version", build.version())
                .add("licence", written.getString("licence"))
                .add("price", written.getString("price"))
                .add("description", written.getString("description", ""))
                .add("feature", written.getString("feature", build.artifactId()))
                .add("featuresRepository", build.featuresRepository());
        JsonObjectBuilder requires = JSON.createObjectBuilder();
        new TreeMap<>(build.requires()).forEach(requires::add);
        filled.add("requires", requires);
        for (String field : LISTS) {
            JsonArrayBuilder list = JSON.createArrayBuilder();
            JsonArray items = written.containsKey(field) ? written.getJsonArray(field) : JsonValue.EMPTY_JSON_ARRAY;
            items.forEach(list::add);
            filled.add(field, list);
        }
        return filled.build();
    }

    /** UTF-8, indented: operators and reviewers read it as it is. */
    static byte[] bytes(JsonObject descriptor) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonWriter writer = JSON.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true))
                .createWriter(out, StandardCharsets.UTF_8)) {
            writer.writeObject(descriptor);
        }
        out.write('\n');
        return out.toByteArray();
    }
}
