package io.switchboard.desk.internal;

import io.switchboard.api.CanonicalJson;
import io.switchboard.rest.Problem;
import io.switchboard.rest.Sessions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import javax.servlet.AsyncContext;
import javax.servlet.AsyncEvent;
import javax.servlet.AsyncListener;
import javax.servlet.ServletOutputStream;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * {@code GET /switchboard/api/desk/stream?access_token=…}: every domain event as a server-sent event
 * ({@code event: <type>}, {@code data: <DomainEvent>}). An EventSource cannot send headers, so the
 * token comes in the query; a Bearer header is taken too, for scripts. Events carry no {@code id}:
 * the bus subscription keeps nothing for a desk that was away, so a reconnecting desk reloads instead.
 */
final class AgentStreamServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final String BEARER = "Bearer ";

    private final transient AgentStreams streams;
    private final transient Sessions sessions;
    private final transient CanonicalJson json;
    private final long timeoutMillis;

    AgentStreamServlet(AgentStreams streams, Sessions sessions, CanonicalJson json, long timeoutMillis) {
        this.streams = streams;
        this.sessions = sessions;
        this.json = json;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String token = request.getParameter("access_token");
        String header = request.getHeader("Authorization");
        if ((token == null || token.isBlank()) && header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            token = header.substring(BEARER.length()).strip();
        }
        Optional<Sessions.Session> session = token == null || token.isBlank() ? Optional.empty() : sessions.verify(token);
        if (session.isEmpty()) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"switchboard\"");
            problem(response, 401, "Unauthorized", token == null || token.isBlank()
                    ? "access_token is required (log in with POST /switchboard/api/sessions)"
                    : "the token is not genuine or has expired: log in again");
            return;
        }
        response.setStatus(200);
        response.setContentType("text/event-stream;charset=UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        response.flushBuffer();
        AsyncContext async = request.startAsync();
        async.setTimeout(timeoutMillis);
        AgentStreams.Stream stream = streams.open(session.get().user(), session.get().expiresAt(), new ResponseSink(async));
        async.addListener(new AsyncListener() {
            @Override public void onComplete(AsyncEvent e) { stream.close(); }
            @Override public void onTimeout(AsyncEvent e) { stream.close(); }
            @Override public void onError(AsyncEvent e) { stream.close(); }
            @Override public void onStartAsync(AsyncEvent e) { }
        });
    }

    private void problem(HttpServletResponse response, int status, String title, String detail) throws IOException {
        response.setStatus(status);
        response.setContentType(Problem.MEDIA_TYPE + ";charset=UTF-8");
        response.getOutputStream().write(json.toJson(Problem.of(status, title, detail)).getBytes(StandardCharsets.UTF_8));
    }

    private static final class ResponseSink implements AgentStreams.Sink {
        private final AsyncContext async;

        ResponseSink(AsyncContext async) {
            this.async = async;
        }

        @Override
        public boolean write(String chunk) {
            try {
                ServletOutputStream out = async.getResponse().getOutputStream();
                out.write(chunk.getBytes(StandardCharsets.UTF_8));
                out.flush();
                return true;
            } catch (IOException | IllegalStateException gone) {
                return false;
            }
        }

        @Override
        public void close() {
            try {
                async.complete();
            } catch (IllegalStateException alreadyDone) {
                // the container completed it first (timeout or client gone)
            }
        }
    }
}
