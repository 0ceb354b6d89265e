package io.switchboard.routefiles.internal;

import io.switchboard.routefiles.RouteFile;
import io.switchboard.routefiles.RouteFiles;
import java.util.List;
import javax.ws.rs.ForbiddenException;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.SecurityContext;

/** {@code GET /switchboard/api/route-files}: the route files in {@code deploy/}, running or why not. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public final class RouteFilesApi {

    private final RouteFiles files;

    RouteFilesApi(RouteFiles files) {
        this.files = files;
    }

    @GET
    public List<RouteFile> files(@Context SecurityContext security) {
        // errors name endpoints and paths of the integration: operators', not agents' business
        if (!security.isUserInRole("admin")) {
            throw new ForbiddenException("the route files need the admin role");
        }
        return files.files();
    }
}
