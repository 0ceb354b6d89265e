package io.switchboard.proactive.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.BusinessEvent;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.Roles;
import io.switchboard.bus.Bus;
import io.switchboard.rest.ProblemException;
import java.util.List;
import java.util.Map;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;

/**
 * {@code /switchboard/api/proactive}: what was pushed for which event and why not; and a door for
 * systems without a connector to raise a business event (admins only), which goes on the bus like
 * a connector's.
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public final class ProactiveApi {

    private final Outreach outreach;
    private final Bus bus;
    private final CanonicalJson json;

    ProactiveApi(Outreach outreach, Bus bus, CanonicalJson json) {
        this.outreach = outreach;
        this.bus = bus;
        this.json = json;
    }

    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR})
    @GET
    @Path("pushes")
    public List<PlannedPush> pushes(@QueryParam("eventId") String eventId, @QueryParam("limit") Integer limit) {
        return eventId == null || eventId.isBlank() ? outreach.latest(limit == null ? 100 : limit) : outreach.ofEvent(eventId);
    }

    @RolesAllowed({Roles.ADMIN, Roles.INTEGRATOR})
    @POST
    @Path("events")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response raise(BusinessEvent event) {
        if (event == null) {
            throw new ProblemException(400, "Bad request", "a JSON business event is required");
        }
        if (event.id().length() > 200) {
            throw new ProblemException(400, "Bad request", "id longer than 200 characters");
        }
        bus.publish(BusAddress.BUSINESS_EVENTS, json.toJson(event), Map.of(BusAddress.DUPLICATE_ID, "business:" + event.id(),
                BusAddress.PAYLOAD_TYPE, "BusinessEvent"));
        return Response.accepted(Map.of("id", event.id())).build();
    }
}
