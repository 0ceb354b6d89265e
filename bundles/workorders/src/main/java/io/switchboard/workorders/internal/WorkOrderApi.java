package io.switchboard.workorders.internal;

import io.switchboard.api.Roles;
import io.switchboard.rest.ProblemException;
import io.switchboard.rest.RestEndpoint;
import io.switchboard.workorders.WorkOrder;
import io.switchboard.workorders.WorkOrderChange;
import io.switchboard.workorders.WorkOrderType;
import io.switchboard.workorders.WorkOrders;
import java.net.URI;
import java.util.List;
import java.util.Map;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.GET;
import javax.ws.rs.HeaderParam;
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
 * {@code /switchboard/api/workorders}: agents open and follow work orders; field workers see theirs
 * ({@code ?mine=true}) and move them on. Everyone logged in may read and act; the history says who did what.
 */
@RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT, Roles.FIELD})
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public final class WorkOrderApi {

    /** A step: the state to go to, a note, and an ETA the customer is told. */
    public record Step(String to, String note, String eta) {
    }

    public record Assignment(String team, String assignee) {
    }

    public record Note(String text) {
    }

    public record Rating(Integer score) {
    }

    private final WorkOrders orders;

    WorkOrderApi(WorkOrders orders) {
        this.orders = orders;
    }

    @GET
    @Path("types")
    public List<WorkOrderType> types() {
        return orders.types();
    }

    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.VIEWER})
    @GET
    @Path("satisfaction")
    public Map<String, Map<String, Double>> satisfaction() {
        return orders.satisfaction();
    }

    @GET
    public List<WorkOrder> list(@QueryParam("state") String state, @QueryParam("team") String team,
                                @QueryParam("assignee") String assignee, @QueryParam("customerId") String customerId,
                                @QueryParam("mine") boolean mine, @QueryParam("limit") Integer limit,
                                @Context SecurityContext security) {
        boolean own = mine || WorkOrders.ownOnly(RestEndpoint.staff(security));
        return orders.list(state, team, own ? me(security) : assignee, customerId, limit == null ? 100 : limit);
    }

    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(WorkOrder.Draft draft, @Context SecurityContext security) {
        if (draft == null) {
            throw new ProblemException(400, "Bad request", "a JSON work order is required");
        }
        WorkOrder created = orders.create(draft, me(security));
        return Response.created(URI.create("workorders/" + created.id())).entity(created).build();
    }

    @GET
    @Path("{id}")
    public WorkOrder workOrder(@PathParam("id") String id, @Context SecurityContext security) {
        return orders.require(id, RestEndpoint.staff(security));
    }

    @GET
    @Path("{id}/history")
    public List<WorkOrderChange> history(@PathParam("id") String id, @Context SecurityContext security) {
        orders.require(id, RestEndpoint.staff(security));
        return orders.history(id);
    }

    @POST
    @Path("{id}/transitions")
    @Consumes(MediaType.APPLICATION_JSON)
    public WorkOrder transition(@PathParam("id") String id, Step step, @Context SecurityContext security) {
        orders.require(id, RestEndpoint.staff(security));
        if (step == null || step.to() == null) {
            throw new ProblemException(400, "Bad request", "to, the state to go to, is required");
        }
        return orders.transition(id, step.to(), me(security), step.note(),
                step.eta() == null || step.eta().isBlank() ? Map.of() : Map.of("eta", step.eta()));
    }

    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
    @POST
    @Path("{id}/assignment")
    @Consumes(MediaType.APPLICATION_JSON)
    public WorkOrder assign(@PathParam("id") String id, Assignment assignment, @Context SecurityContext security) {
        orders.require(id, RestEndpoint.staff(security));
        if (assignment == null) {
            throw new ProblemException(400, "Bad request", "team and/or assignee are required");
        }
        return orders.assign(id, assignment.team(), assignment.assignee(), me(security));
    }

    @POST
    @Path("{id}/notes")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response note(@PathParam("id") String id, Note note, @Context SecurityContext security) {
        orders.require(id, RestEndpoint.staff(security));
        if (note == null) {
            throw new ProblemException(400, "Bad request", "text is required");
        }
        return Response.status(201).entity(orders.note(id, note.text(), me(security))).build();
    }

    /** Adds or replaces references to outside systems: {"trackingNumber": "SF123"}; an empty value removes one. */
    @POST
    @Path("{id}/references")
    @Consumes(MediaType.APPLICATION_JSON)
    public WorkOrder refer(@PathParam("id") String id, java.util.Map<String, String> references,
                           @Context SecurityContext security) {
        orders.require(id, RestEndpoint.staff(security));
        if (references == null || references.isEmpty()) {
            throw new ProblemException(400, "Bad request", "a JSON object of references is required");
        }
        return orders.refer(id, references, me(security));
    }

    @POST
    @Path("{id}/rating")
    @Consumes(MediaType.APPLICATION_JSON)
    public WorkOrder rate(@PathParam("id") String id, Rating rating, @Context SecurityContext security) {
        orders.require(id, RestEndpoint.staff(security));
        if (rating == null || rating.score() == null) {
            throw new ProblemException(400, "Bad request", "score (1 to 5) is required");
        }
        return orders.rate(id, rating.score(), me(security));
    }

    /** The body is the file; its name comes in the query. */
    @POST
    @Path("{id}/attachments")
    @Consumes(MediaType.WILDCARD)
    public Response attach(@PathParam("id") String id, @QueryParam("name") String name,
                           @HeaderParam("Content-Type") String mediaType, byte[] content,
                           @Context SecurityContext security) {
        orders.require(id, RestEndpoint.staff(security));
        String attachmentId = orders.attach(id, name, mediaType, content, me(security));
        return Response.created(URI.create("workorders/" + id + "/attachments/" + attachmentId))
                .entity(Map.of("id", attachmentId)).build();
    }

    @GET
    @Path("{id}/attachments/{attachmentId}")
    @Produces(MediaType.WILDCARD)
    public Response attachment(@PathParam("id") String id, @PathParam("attachmentId") String attachmentId,
                               @Context SecurityContext security) {
        orders.require(id, RestEndpoint.staff(security));
        WorkOrders.Attachment a = orders.attachment(id, attachmentId);
        return Response.ok(a.content(), a.mediaType())
                .header("Content-Disposition", "attachment; filename*=UTF-8''" + encode(a.name())).build();
    }

    private static String encode(String name) {
        return java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String me(SecurityContext security) {
        return security == null || security.getUserPrincipal() == null ? "system" : security.getUserPrincipal().getName();
    }
}
