package io.switchboard.rest.internal;

import io.switchboard.api.CanonicalJson;
import io.switchboard.rest.ProblemException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import javax.ws.rs.Consumes;
import javax.ws.rs.Produces;
import javax.ws.rs.WebApplicationException;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.MultivaluedMap;
import javax.ws.rs.ext.MessageBodyReader;
import javax.ws.rs.ext.MessageBodyWriter;
import javax.ws.rs.ext.Provider;

/**
 * JSON in and out with the canonical JSON-B binding, always UTF-8. Malformed JSON is refused with
 * 400; a body over the endpoint's limit never gets here ({@link BodyLimit}).
 */
@Provider
@Consumes({MediaType.APPLICATION_JSON, "application/*+json"})
@Produces({MediaType.APPLICATION_JSON, "application/*+json"})
public final class JsonBody implements MessageBodyReader<Object>, MessageBodyWriter<Object> {

    private final CanonicalJson json;

    public JsonBody(CanonicalJson json) {
        this.json = json;
    }

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        // raw bodies stay raw: a resource taking byte[] wants the bytes, not a JSON array
        return !type.equals(String.class) && !byte[].class.equals(type) && !InputStream.class.isAssignableFrom(type);
    }

    @Override
    public Object readFrom(Class<Object> type, Type genericType, Annotation[] annotations, MediaType mediaType,
                           MultivaluedMap<String, String> headers, InputStream in) throws IOException, WebApplicationException {
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        if (text.isBlank()) {
            throw new ProblemException(400, "Empty body", "a JSON body is required");
        }
        try {
            return json.fromJson(text, type);
        } catch (IllegalArgumentException e) {
            throw new ProblemException(400, "Malformed JSON", e.getMessage());
        }
    }

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return !type.equals(String.class) && !byte[].class.equals(type);
    }

    @Override
    public void writeTo(Object value, Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType,
                        MultivaluedMap<String, Object> headers, OutputStream out) throws IOException {
        if (!mediaType.getParameters().containsKey(MediaType.CHARSET_PARAMETER)) {
            headers.putSingle("Content-Type", mediaType.withCharset("UTF-8").toString());
        }
        out.write(json.toJson(value).getBytes(StandardCharsets.UTF_8));
    }
}
