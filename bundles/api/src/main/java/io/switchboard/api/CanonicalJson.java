package io.switchboard.api;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.JsonbException;

/**
 * The one JSON binding of the canonical model. A Jsonb instance is thread-safe and costly to build,
 * so a component builds one and keeps it.
 */
public final class CanonicalJson implements AutoCloseable {

    private final Jsonb jsonb;

    public CanonicalJson() {
        JsonbConfig config = new JsonbConfig().withNullValues(false).withFormatting(false);
        // In OSGi the service loader may not see the provider through the context class loader of
        // the calling thread; JSON-B's own bundle class loader does.
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try {
            Thread.currentThread().setContextClassLoader(JsonbBuilder.class.getClassLoader());
            this.jsonb = JsonbBuilder.create(config);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    public String toJson(Object value) {
        return jsonb.toJson(value);
    }

    /**
     * Parses {@code json} into {@code type}.
     *
     * @throws IllegalArgumentException when the JSON is malformed or does not fit the type; the
     *                                  message says why, for a problem body or a dead-letter reason
     */
    public <T> T fromJson(String json, Class<T> type) {
        try {
            T value = jsonb.fromJson(json, type);
            if (value == null) {
                throw new IllegalArgumentException("empty JSON body");
            }
            return value;
        } catch (JsonbException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            if (root instanceof IllegalArgumentException iae && root != e) {
                throw iae;
            }
            throw new IllegalArgumentException("malformed JSON for " + type.getSimpleName() + ": "
                    + root.getMessage(), e);
        }
    }

    @Override
    public void close() throws Exception {
        jsonb.close();
    }
}
