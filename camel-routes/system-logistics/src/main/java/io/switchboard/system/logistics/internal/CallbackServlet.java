package io.switchboard.system.logistics.internal;

import io.switchboard.api.CanonicalJson;
import io.switchboard.rest.Problem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * {@code POST /switchboard/systems/logistics/callbacks}, on the HTTP whiteboard as the voice
 * channel's events are: a plain servlet rather than a CXF endpoint, because the signature is over
 * the raw bytes and a JAX-RS body reader would parse them first. Anonymous, as the courier
 * company calls it; every callback proves itself with its signature ({@link Callbacks}).
 */
final class CallbackServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    static final int MAX_BODY_BYTES = 65_536;

    private final transient Callbacks callbacks;
    private final transient CanonicalJson json;

    CallbackServlet(Callbacks callbacks, CanonicalJson json) {
        this.callbacks = callbacks;
        this.json = json;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] body = request.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
        Callbacks.Answer answer = body.length > MAX_BODY_BYTES
                ? new Callbacks.Answer(413, Problem.MEDIA_TYPE + ";charset=UTF-8", json.toJson(Problem.of(413,
                        "Payload too large", "a callback is at most " + MAX_BODY_BYTES + " bytes")))
                : callbacks.receive(request.getHeader(LogisticsConnector.CALLBACK_TIMESTAMP),
                        request.getHeader(LogisticsConnector.CALLBACK_SIGNATURE),
                        body, Instant.now());
        if (answer.status() == 503) {
            response.setHeader("Retry-After", "5");
        }
        response.setStatus(answer.status());
        response.setContentType(answer.contentType());
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
