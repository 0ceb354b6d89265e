package io.switchboard.channel.webchat.internal;

import io.switchboard.api.CanonicalJson;
import io.switchboard.rest.Problem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * {@code GET /switchboard/api/webchat/stream?visitorId=…}: server-sent events (text/event-stream) with
 * every agent reply to the visitor. Reconnects send {@code Last-Event-ID} and get only what they missed.
 */
final class StreamServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient Streams streams;
    private final transient CanonicalJson json;

    StreamServlet(Streams streams, CanonicalJson json) {
        this.streams = streams;
        this.json = json;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String visitorId = request.getParameter("visitorId");
        if (visitorId == null || !visitorId.matches(Visitors.ID_PATTERN)) {
            problem(response, 400, "Bad request", "visitorId must be 16-128 letters, digits, _ or -");
            return;
        }
        long lastEventId = 0;
        String last = request.getHeader("Last-Event-ID");
        if (last == null) {
            last = request.getParameter("lastEventId");
        }
        if (last != null && !last.isBlank()) {
            if (!last.strip().matches("\\d{1,18}")) {
                problem(response, 400, "Bad request", "Last-Event-ID must be an event id this stream sent");
                return;
            }
            lastEventId = Long.parseLong(last.strip());
        }
        streams.open(visitorId, request, response, lastEventId);
    }

    private void problem(HttpServletResponse response, int status, String title, String detail) throws IOException {
        response.setStatus(status);
        response.setContentType(Problem.MEDIA_TYPE + ";charset=UTF-8");
        response.getOutputStream().write(json.toJson(Problem.of(status, title, detail)).getBytes(StandardCharsets.UTF_8));
    }
}
