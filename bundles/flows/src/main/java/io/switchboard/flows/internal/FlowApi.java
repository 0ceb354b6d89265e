package io.switchboard.flows.internal;

import io.switchboard.api.Roles;
import java.net.URI;
import java.util.List;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;

/**
 * {@code /switchboard/api/flows}: an agent starts the repair flow for a fault call and follows it.
 * Posting the same {@code requestId} again returns the first flow (200 instead of 201).
 */
@RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public final class FlowApi {

    private final RepairFlows flows;

    FlowApi(RepairFlows flows) {
        this.flows = flows;
    }

    @POST
    @Path("repair")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response repair(RepairFlow.Start start, @Context SecurityContext security) {
        String by = security.getUserPrincipal() == null ? "agent" : security.getUserPrincipal().getName();
        boolean repeat = start != null && flows.byRequestId(start.requestId()).isPresent();
        RepairFlow flow = flows.start(start, by);
        return (repeat ? Response.ok() : Response.created(URI.create("flows/" + flow.id()))).entity(flow).build();
    }

    @GET
    @Path("{id}")
    public RepairFlow flow(@PathParam("id") String id) {
        return flows.view(id);
    }

    @GET
    public List<RepairFlow> list(@QueryParam("customerId") String customerId, @QueryParam("state") String state,
                                 @QueryParam("limit") Integer limit) {
        return flows.list(customerId, state, limit == null ? 100 : limit).stream().map(f -> flows.view(f.id())).toList();
    }
}
