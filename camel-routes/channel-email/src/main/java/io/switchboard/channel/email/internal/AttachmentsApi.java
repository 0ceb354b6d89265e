package io.switchboard.channel.email.internal;

import io.switchboard.api.Roles;
import io.switchboard.store.Store;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.core.Response;

/**
 * Customers' files for agents, at {@code /switchboard/api/email/attachments/{id}}, behind the API's
 * login like every resource. Always a download: a customer's HTML or SVG never runs in the
 * desk's origin.
 */
@RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
@Path("/attachments")
public class AttachmentsApi {

    private static final Set<String> ACTIVE = Set.of("text/html", "image/svg+xml", "text/xml", "application/xml",
            "application/xhtml+xml", "text/javascript", "application/javascript");

    private final Store store;

    AttachmentsApi(Store store) {
        this.store = store;
    }

    @GET
    @Path("{id}")
    public Response get(@PathParam("id") String id) {
        if (id == null || !id.matches("[0-9a-fA-F-]{36}")) {
            throw new NoSuchElementException("no attachment " + id);
        }
        Optional<Attachments.Stored> found = store.inTransaction(s -> Attachments.find(s, id));
        Attachments.Stored a = found.orElseThrow(() -> new NoSuchElementException("no attachment " + id));
        String type = ACTIVE.contains(a.mimeType().toLowerCase(Locale.ROOT)) ? "application/octet-stream" : a.mimeType();
        String ascii = a.name().replaceAll("[^A-Za-z0-9._-]", "_");
        return Response.ok(a.content(), type)
                .header("Content-Disposition", "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''"
                        + URLEncoder.encode(a.name(), StandardCharsets.UTF_8).replace("+", "%20"))
                .header("X-Content-Type-Options", "nosniff")
                .header("Cache-Control", "private, max-age=3600")
                .build();
    }
}
