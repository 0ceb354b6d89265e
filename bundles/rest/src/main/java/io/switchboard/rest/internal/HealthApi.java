package io.switchboard.rest.internal;

import io.switchboard.bus.Bus;
import io.switchboard.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import javax.annotation.security.PermitAll;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;

/** Anonymous: load balancers and operators' probes call it without credentials. */
@Path("/")
@PermitAll
public final class HealthApi {

    /**
     * UP only when the bus and the database answer, every route is started and nothing is pending: every
     * Switchboard and plugin bundle active, its components satisfied, its endpoints served
     * ({@link ServerReadiness}). {@code pending} says what is still awaited; empty when UP.
     */
    public record Health(String status, String bus, String database, Map<String, String> routes, List<String> pending) {
    }

    private final Bus bus;
    private final Store store;
    private final Supplier<Map<String, String>> routes;
    private final Supplier<List<String>> pending;

    public HealthApi(Bus bus, Store store, Supplier<Map<String, String>> routes, Supplier<List<String>> pending) {
        this.bus = bus;
        this.store = store;
        this.routes = routes;
        this.pending = pending;
    }

    @GET
    @Path("health")
    @Produces(MediaType.APPLICATION_JSON)
    public Response health() {
        String busState = bus.isReachable() ? "UP" : "DOWN";
        String dbState = store.isReachable() ? "UP" : "DOWN";
        Map<String, String> routeStates = new TreeMap<>(routes.get());
        List<String> waiting = pending.get();
        boolean up = busState.equals("UP") && dbState.equals("UP")
                && routeStates.values().stream().allMatch("Started"::equals) && waiting.isEmpty();
        Health health = new Health(up ? "UP" : "DOWN", busState, dbState, routeStates, waiting);
        Response.ResponseBuilder answer = Response.status(up ? 200 : 503).entity(health).header("Cache-Control", "no-store");
        return (up ? answer : answer.header("Retry-After", ServerReadiness.RETRY_AFTER)).build();
    }

    @GET
    @Path("openapi.json")
    @Produces(MediaType.APPLICATION_JSON)
    public Response openApi() throws IOException {
        try (InputStream in = HealthApi.class.getResourceAsStream("openapi.json")) {
            return Response.ok(in.readAllBytes(), "application/json;charset=UTF-8").build();
        }
    }
}
