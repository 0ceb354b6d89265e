package io.switchboard.rest.internal;

import io.switchboard.rest.Problem;
import io.switchboard.rest.RestEndpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * What answers under {@code /switchboard/} where no endpoint does: while the server starts (or a plugin is
 * being installed) 503 with Retry-After, since the endpoint is on its way; once everything serves, 404.
 * Also the liveness probe, {@code GET /switchboard/api/live}: 200 whenever the JVM answers HTTP at all,
 * ready or not, so an orchestrator restarts a hung server but never one that is only starting.
 * Anonymous: probes and clients call it without credentials, and it tells nothing but the state.
 */
final class UnservedPaths extends HttpServlet {

    private static final long serialVersionUID = 1L;
    static final String LIVE = RestEndpoint.ROOT + "/live";

    private final transient ServerReadiness readiness;

    UnservedPaths(ServerReadiness readiness) {
        this.readiness = readiness;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getRequestURI();
        if (LIVE.equals(path)) {
            if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
                problem(response, 405, "Method not allowed", "the liveness probe answers GET");
                return;
            }
            response.setHeader("Cache-Control", "no-store");
            write(response, 200, "application/json;charset=UTF-8", "{\"status\":\"UP\"}");
            return;
        }
        if (!readiness.pending().isEmpty()) {
            response.setHeader("Retry-After", ServerReadiness.RETRY_AFTER);
            problem(response, 503, "Service unavailable", ServerReadiness.STARTING);
            return;
        }
        problem(response, 404, "Not found", "nothing is served at " + path);
    }

    // written by hand: this answers from the first moments of a boot, before JSON-B's provider may be started
    private static void problem(HttpServletResponse response, int status, String title, String detail) throws IOException {
        write(response, status, Problem.MEDIA_TYPE + ";charset=UTF-8", "{\"type\":\"about:blank\",\"title\":" + quoted(title)
                + ",\"status\":" + status + ",\"detail\":" + quoted(detail) + "}");
    }

    static String quoted(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private static void write(HttpServletResponse response, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(type);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
