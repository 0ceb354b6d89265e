package io.switchboard.plugins.internal;

import io.switchboard.api.Roles;
import io.switchboard.plugins.CatalogEntry;
import io.switchboard.plugins.PluginRefusedException;
import io.switchboard.rest.ProblemException;
import java.util.NoSuchElementException;
import javax.annotation.security.PermitAll;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;

/**
 * {@code /switchboard/api/catalog}: the marketplace. Anyone may browse it and download a KAR (they
 * are signed; a server verifies them itself); publishing takes the {@code publisher} or {@code admin}
 * role. The paths under it mirror the static site the catalog directory is: {@code index.json} and
 * {@code <id>/<version>/<id>-<version>.kar}.
 */
@Path("/")
public final class CatalogApi {

    static final String KAR = "application/vnd.switchboard.kar";

    private final PluginService plugins;
    private final Catalog catalog;

    CatalogApi(PluginService plugins, Catalog catalog) {
        this.plugins = plugins;
        this.catalog = catalog;
    }

    @GET
    @PermitAll
    @Produces(MediaType.APPLICATION_JSON)
    public java.util.List<CatalogEntry> entries() {
        return plugins.catalog();
    }

    @GET
    @PermitAll
    @Path("index.json")
    @Produces(MediaType.APPLICATION_JSON)
    public Response index() {
        return catalog.index().map(bytes -> Response.ok(bytes, MediaType.APPLICATION_JSON).build())
                .orElseGet(() -> Response.ok("{\"plugins\":[]}", MediaType.APPLICATION_JSON).build());
    }

    @GET
    @PermitAll
    @Path("{id}/{version}/{file}")
    @Produces(KAR)
    public Response kar(@PathParam("id") String id, @PathParam("version") String version, @PathParam("file") String file) {
        if (!file.equals(Catalog.karName(id, version))) {
            throw new NoSuchElementException("no " + file + " in the catalog");
        }
        byte[] kar = plugins.kar(id, version).orElseThrow(() -> new NoSuchElementException("no plugin " + id + " " + version + " in the catalog"));
        return Response.ok(kar, KAR).header("Content-Disposition", "attachment; filename=\"" + file + "\"").build();
    }

    @RolesAllowed({Roles.ADMIN, Roles.PUBLISHER})
    @POST
    @Path("plugins")
    @Consumes({KAR, MediaType.APPLICATION_OCTET_STREAM, "application/zip", "application/java-archive"})
    @Produces(MediaType.APPLICATION_JSON)
    public Response publish(byte[] kar) {
        if (kar == null || kar.length == 0) {
            throw new ProblemException(400, "No plugin", "send the KAR as the request body (Content-Type: " + KAR + ")");
        }
        try {
            CatalogEntry entry = plugins.publish(kar);
            return Response.status(201).entity(entry).type(MediaType.APPLICATION_JSON).build();
        } catch (PluginRefusedException e) {
            throw new ProblemException(422, "Plugin refused", e.getMessage());
        }
    }
}
