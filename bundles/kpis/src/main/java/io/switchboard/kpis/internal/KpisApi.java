package io.switchboard.kpis.internal;

import io.switchboard.api.CanonicalJson;
import io.switchboard.api.Roles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.StreamingOutput;

/**
 * {@code /switchboard/api/kpis}: the live KPIs per queue, the breaches, a server-sent-event stream of
 * both, and the network incidents complaints were clustered into. For supervisors and admins only
 * (the {@code supervisor} or {@code admin} role); agents see their own queue at {@code /agents/queue}.
 */
@RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.VIEWER})
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public final class KpisApi {

    static final String EVENT_STREAM = "text/event-stream";

    private final Scoreboard board;
    private final Clusters clusters;
    private final CanonicalJson json;
    private final Duration refresh;
    private final Duration longest;

    /**
     * @param refresh how often the figures change: the stream looks that often
     * @param longest how long one stream lasts; an EventSource reconnects by itself
     */
    KpisApi(Scoreboard board, Clusters clusters, CanonicalJson json, Duration refresh, Duration longest) {
        this.board = board;
        this.clusters = clusters;
        this.json = json;
        this.refresh = refresh;
        this.longest = longest;
    }

    @GET
    public Scoreboard.Kpis kpis() {
        return board.latest();
    }

    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR})
    @GET
    @Path("incidents")
    public List<Clusters.Incident> incidents(@QueryParam("open") boolean openOnly) {
        return clusters.incidents(openOnly);
    }

    /**
     * {@code event: kpis} with the whole snapshot at once and after every refresh that changed it,
     * {@code event: kpi.breached} / {@code kpi.recovered} with the {@link Scoreboard.Breach} for each
     * breach on when the stream opens and each change after, and a comment line every 15 s so proxies keep it.
     */
    @GET
    @Path("stream")
    @Produces(EVENT_STREAM)
    public Response stream() {
        StreamingOutput body = out -> {
            Instant end = Instant.now().plus(longest);
            Scoreboard.Kpis sent = null;
            long beat = System.nanoTime();
            try {
                while (Instant.now().isBefore(end)) {
                    Scoreboard.Kpis now = board.latest();
                    if (sent == null || !now.at().equals(sent.at())) {
                        // on opening, the breaches already on count as news: the page has just come
                        changes(out, sent == null ? List.of() : sent.breaches(), now.breaches());
                        write(out, "kpis", json.toJson(now));
                        sent = now;
                        beat = System.nanoTime();
                    } else if (System.nanoTime() - beat > 15_000_000_000L) {
                        out.write(": beat\n\n".getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        beat = System.nanoTime();
                    }
                    Thread.sleep(Math.max(200, Math.min(1000, refresh.toMillis() / 2)));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException gone) {
                // the supervisor closed the page
            }
        };
        return Response.ok(body, EVENT_STREAM + ";charset=UTF-8").header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no").build();
    }

    private void changes(OutputStream out, List<Scoreboard.Breach> before, List<Scoreboard.Breach> after)
            throws IOException {
        Map<String, Scoreboard.Breach> was = new TreeMap<>();
        before.forEach(b -> was.put(b.queue(), b));
        Map<String, Scoreboard.Breach> is = new TreeMap<>();
        after.forEach(b -> is.put(b.queue(), b));
        for (Scoreboard.Breach b : is.values()) {
            if (!was.containsKey(b.queue())) {
                write(out, Watch.BREACHED, json.toJson(b));
            }
        }
        for (Scoreboard.Breach b : was.values()) {
            if (!is.containsKey(b.queue())) {
                write(out, Watch.RECOVERED, json.toJson(b));
            }
        }
    }

    private static void write(OutputStream out, String event, String data) throws IOException {
        out.write(("event: " + event + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
