package io.switchboard.plugins.internal;

import io.switchboard.api.Roles;
import io.switchboard.plugins.Installation;
import io.switchboard.plugins.PluginRefusedException;
import io.switchboard.plugins.Preview;
import io.switchboard.plugins.UpgradeReport;
import io.switchboard.rest.ProblemException;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.PUT;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;

/**
 * {@code /switchboard/api/plugins}: the plugins installed on this server, for the {@code admin} role.
 * A refused plugin (signature, descriptor, API range) is a 422 with the reason; an unknown one a 404;
 * one in the wrong state (installed already, nothing to roll back to) a 409.
 */
@RolesAllowed({Roles.ADMIN})
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public final class PluginsApi {

    /**
     * {@code POST /plugins} and {@code /plugins/{id}/upgrade}: which version, absent meaning the newest published;
     * for an upgrade signed by someone other than the installed version's signer, that signer, approved.
     */
    public record Wanted(String id, String version, String approvedSigner) {
    }

    private final PluginService plugins;

    PluginsApi(PluginService plugins) {
        this.plugins = plugins;
    }

    @GET
    public List<Installation> installed() {
        return plugins.installed();
    }

    @GET
    @Path("{id}/preview")
    public Preview preview(@PathParam("id") String id, @QueryParam("version") String version) {
        return refusable(() -> plugins.preview(id, blankIsNull(version)));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response install(Wanted wanted) {
        if (wanted == null || wanted.id() == null || wanted.id().isBlank()) {
            throw new IllegalArgumentException("say which plugin: {\"id\":\"…\",\"version\":\"…\"}");
        }
        Installation installed = refusable(() -> plugins.install(wanted.id(), blankIsNull(wanted.version())));
        return Response.status(201).entity(installed).build();
    }

    @POST
    @Path("{id}/upgrade")
    @Consumes(MediaType.APPLICATION_JSON)
    public UpgradeReport upgrade(@PathParam("id") String id, Wanted wanted) {
        return refusable(() -> plugins.upgrade(id, wanted == null ? null : blankIsNull(wanted.version()),
                wanted == null ? null : blankIsNull(wanted.approvedSigner())));
    }

    @POST
    @Path("{id}/rollback")
    public UpgradeReport rollback(@PathParam("id") String id) {
        return refusable(() -> plugins.rollback(id));
    }

    @DELETE
    @Path("{id}")
    public Response uninstall(@PathParam("id") String id) {
        plugins.uninstall(id);
        return Response.noContent().build();
    }

    @GET
    @Path("{id}/configuration/{pid}")
    public Map<String, String> configuration(@PathParam("id") String id, @PathParam("pid") String pid) {
        return plugins.configuration(id, pid);
    }

    @PUT
    @Path("{id}/configuration/{pid}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, String> configure(@PathParam("id") String id, @PathParam("pid") String pid, Map<String, String> values) {
        if (values == null) {
            throw new IllegalArgumentException("send the values as a JSON object");
        }
        return plugins.configure(id, pid, values);
    }

    private static <T> T refusable(Supplier<T> action) {
        try {
            return action.get();
        } catch (PluginRefusedException e) {
            throw new ProblemException(422, "Plugin refused", e.getMessage());
        }
    }

    private static String blankIsNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
