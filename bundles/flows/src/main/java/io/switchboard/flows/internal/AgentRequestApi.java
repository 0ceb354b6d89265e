package io.switchboard.flows.internal;

import io.switchboard.api.Roles;
import io.switchboard.rest.RestEndpoint;
import java.util.List;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.SecurityContext;

/**
 * {@code GET /switchboard/api/systems/requests/{id}}: an agent's request to a system, PENDING (with
 * the system's outage, if any), OK, FAULT or EXPIRED; {@code GET …/requests?conversationId=…}: a
 * conversation's requests, newest first.
 */
@RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
@Path("requests")
@Produces(MediaType.APPLICATION_JSON)
public final class AgentRequestApi {

    private final AgentRequests requests;

    AgentRequestApi(AgentRequests requests) {
        this.requests = requests;
    }

    @GET
    @Path("{id}")
    public AgentRequest request(@PathParam("id") String id, @Context SecurityContext security) {
        return requests.view(id, RestEndpoint.staff(security));
    }

    @GET
    public List<AgentRequest> inConversation(@QueryParam("conversationId") String conversationId,
                                             @QueryParam("limit") Integer limit, @Context SecurityContext security) {
        if (conversationId == null || conversationId.isBlank()) {
            throw new IllegalArgumentException("conversationId is required");
        }
        return requests.inConversation(conversationId, limit == null ? 100 : limit, RestEndpoint.staff(security));
    }
}
