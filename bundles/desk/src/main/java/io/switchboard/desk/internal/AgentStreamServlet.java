package io.switchboard.desk.internal;

import io.switchboard.api.CanonicalJson;
import io.switchboard.api.Roles;
import io.switchboard.rest.EventStream;
import io.switchboard.rest.Problem;
import io.switchboard.rest.Sessions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
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
    /** Who may open a desk stream: the desk's and the field app's users. */
    static final java.util.List<String> ROLES = java.util.List.of(Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT, Roles.FIELD);

    private final transient Sessions sessions;
    private final transient CanonicalJson json;
    private final transient EventStream.Limits limits;

    AgentStreamServlet(AgentStreams streams, Sessions sessions, CanonicalJson json, EventStream.Limits limits) {
        this.streams = streams;
        this.sessions = sessions;
        this.json = json;
        this.limits = limits;
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
        Sessions.Session login = session.get();
        if (login.roles().stream().noneMatch(ROLES::contains)) {
            problem(response, 403, "Forbidden", Roles.refusal(login.user(), ROLES));
            return;
        }
        AtomicReference<AgentStreams.Stream> opened = new AtomicReference<>();
        EventStream events = EventStream.open(request, response, limits, ended -> {
            AgentStreams.Stream stream = opened.get();
            if (stream != null) {
                stream.close();
            }
        });
        opened.set(streams.open(new io.switchboard.api.Staff(login.user(), login.roles()), login.expiresAt(), new StreamSink(events)));
        if (!events.isOpen()) {
            opened.get().close(); // it ended before it was listed
        }
    }

    private void problem(HttpServletResponse response, int status, String title, String detail) throws IOException {
        response.setStatus(status);
        response.setContentType(Problem.MEDIA_TYPE + ";charset=UTF-8");
        response.getOutputStream().write(json.toJson(Problem.of(status, title, detail)).getBytes(StandardCharsets.UTF_8));
    }

    private record StreamSink(EventStream events) implements AgentStreams.Sink {
        @Override
        public boolean send(String chunk) {
            return events.send(chunk);
        }

        @Override
        public void finish(String lastChunk) {
            events.finish(lastChunk);
        }

        @Override
        public void close() {
            events.close();
        }
    }
}
