package io.switchboard.routefiles.internal;

import io.switchboard.api.Roles;
import io.switchboard.rest.ProblemException;
import io.switchboard.routefiles.RouteFile;
import io.switchboard.routefiles.RouteFileCheck;
import io.switchboard.routefiles.RouteFiles;
import io.switchboard.routefiles.Toolbox;
import java.util.List;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.MediaType;

/**
 * {@code /switchboard/api/route-files}: the route files in {@code deploy/}, running or why not; a
 * file checked before it is deployed; what route files can use here. Admins only: files and
 * errors name endpoints, hosts and paths of the integration.
 */
@RolesAllowed({Roles.ADMIN, Roles.INTEGRATOR})
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public final class RouteFilesApi {

    private final RouteFiles files;

    RouteFilesApi(RouteFiles files) {
        this.files = files;
    }

    @GET
    public List<RouteFile> files() {
        return files.files();
    }

    /**
     * {@code POST /route-files/validate?name=crm.camel.yaml} with the file as the body (any media
     * type; read as UTF-8): 200 with the check, valid or not; 422 when it is no route file at all.
     */
    @POST
    @Path("validate")
    @Consumes(MediaType.WILDCARD)
    public RouteFileCheck validate(@QueryParam("name") String name, byte[] content) {
        if (name == null || name.isBlank() || name.contains("/") || name.contains("\\")) {
            throw new ProblemException(400, "A file name is needed",
                    "name=<file name as in deploy/>, e.g. name=crm.camel.yaml: its extension chooses the DSL");
        }
        if (content == null || content.length == 0) {
            throw new ProblemException(400, "The file is empty", "send the route file as the request body");
        }
        try {
            return files.check(name, content);
        } catch (IllegalArgumentException notARouteFile) {
            throw new ProblemException(422, "Not a route file", notARouteFile.getMessage());
        }
    }

    /** {@code GET /route-files/components}: the components, languages, data formats and Kamelets route files can use. */
    @GET
    @Path("components")
    public Toolbox components() {
        return files.toolbox();
    }
}
