package io.switchboard.flows.internal;

import io.switchboard.api.Roles;
import io.switchboard.rest.RestEndpoint;
import java.net.URI;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.HeaderParam;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;

/**
 * {@code POST /switchboard/api/systems/{system}/requests}: a logged-in agent asks a connected
 * system for something in a conversation ({@code {operation, params, conversationId}}). 202 with
 * the PENDING request once it is on the bus; the same {@code Idempotency-Key} again is 200 with
 * that request as it is now. Served beside {@link SystemsApi} under {@code /switchboard/api/systems}.
 */
@RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
@Path("{system}/requests")
@Produces(MediaType.APPLICATION_JSON)
public final class AgentRequestsApi {

    private final AgentRequests requests;

    AgentRequestsApi(AgentRequests requests) {
        this.requests = requests;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response submit(@PathParam("system") String system, AgentRequest.New body,
                           @HeaderParam("Idempotency-Key") String idempotencyKey, @Context SecurityContext security) {
        AgentRequests.Submitted submitted = requests.submit(system, body, idempotencyKey, RestEndpoint.staff(security));
        AgentRequest request = submitted.request();
        return (submitted.created() ? Response.accepted() : Response.ok())
                .location(URI.create("requests/" + request.id()))
                .entity(request).build();
    }
}
