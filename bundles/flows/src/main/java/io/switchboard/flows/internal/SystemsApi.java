package io.switchboard.flows.internal;

import io.switchboard.api.Roles;
import java.util.List;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;

/**
 * {@code /switchboard/api/systems}: every connected system that reported itself down or back up,
 * with since when and why. A system that never reported is not listed: it has had no outage.
 */
@RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT, Roles.INTEGRATOR, Roles.VIEWER})
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public final class SystemsApi {

    private final Systems systems;

    SystemsApi(Systems systems) {
        this.systems = systems;
    }

    @GET
    public List<SystemStatus> all() {
        return systems.all();
    }

    @GET
    @Path("{system}")
    public SystemStatus one(@PathParam("system") String system) {
        return systems.status(system).orElseGet(() -> new SystemStatus(system, SystemStatus.UP, null, "no outage reported", null));
    }
}
