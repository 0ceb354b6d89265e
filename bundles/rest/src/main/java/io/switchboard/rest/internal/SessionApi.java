package io.switchboard.rest.internal;

import io.switchboard.api.Roles;
import io.switchboard.rest.ProblemException;
import io.switchboard.rest.Sessions;
import javax.annotation.security.PermitAll;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.DELETE;
import javax.ws.rs.HeaderParam;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;

/** {@code POST /switchboard/api/sessions}: a browser's login (see {@link Sessions}). */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public final class SessionApi {

    public record Credentials(String user, String password) {
    }

    private final Sessions sessions;

    SessionApi(Sessions sessions) {
        this.sessions = sessions;
    }

    @POST
    @Path("sessions")
    @PermitAll
    @Consumes(MediaType.APPLICATION_JSON)
    public Response login(Credentials credentials) {
        if (credentials == null || credentials.user() == null || credentials.password() == null) {
            throw new ProblemException(400, "Bad request", "user and password are required");
        }
        return sessions.login(credentials.user(), credentials.password().toCharArray())
                .map(s -> Response.status(201).entity(s).build())
                .orElseThrow(() -> new ProblemException(401, "Unauthorized",
                        "wrong user name or password, or a user without any of the platform's roles (docs/access.md)"));
    }

    /**
     * Logs out: the token the call carries is revoked, on every node, before it would have expired.
     * A call with Basic credentials has no login to end.
     */
    @DELETE
    @Path("sessions/current")
    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT, Roles.FIELD, Roles.VIEWER, Roles.PUBLISHER, Roles.INTEGRATOR})
    public Response logout(@HeaderParam("Authorization") String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ProblemException(400, "Bad request", "only a token's login can be ended; this call was not made with one");
        }
        sessions.revoke(authorization.substring(7).trim());
        return Response.noContent().build();
    }
}
