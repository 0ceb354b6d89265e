package io.switchboard.rest.internal;

import io.switchboard.api.ChannelAddress;
import io.switchboard.api.Conversation;
import io.switchboard.api.Customer;
import io.switchboard.api.Roles;
import io.switchboard.conversation.AgentDesk;
import io.switchboard.conversation.CustomerDirectory;
import io.switchboard.rest.RestEndpoint;
import io.switchboard.store.IdentityChange;
import io.switchboard.store.Timeline;
import java.util.List;
import java.util.Map;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.DELETE;
import javax.ws.rs.DefaultValue;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.PUT;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;

/** Customers: one profile and one timeline across channels; links, merges and un-merges. */
@RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
@Path("/customers")
@Produces(MediaType.APPLICATION_JSON)
public final class CustomerApi {

    public record Profile(String name, Customer.Tier tier, List<String> tags, String preferredChannel) {
    }

    public record Link(String channel, String address, boolean verified) {
    }

    public record MergeRequest(String sourceId, String targetId, String reason) {
    }

    private final CustomerDirectory directory;
    private final java.util.function.Function<List<String>, List<Conversation>> conversationsOf;

    CustomerApi(CustomerDirectory directory, java.util.function.Function<List<String>, List<Conversation>> conversationsOf) {
        this.directory = directory;
        this.conversationsOf = conversationsOf;
    }

    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT, Roles.FIELD})
    @GET
    @Path("{id}")
    public Customer customer(@PathParam("id") String id, @Context SecurityContext security) {
        directory.require(id, RestEndpoint.staff(security));
        return directory.customer(id);
    }

    @RolesAllowed({Roles.ADMIN})
    @PUT
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Customer update(@PathParam("id") String id, Profile profile) {
        if (profile == null) {
            throw new IllegalArgumentException("a JSON body is required");
        }
        Customer now = directory.customer(id);
        return directory.update(new Customer(now.id(), profile.name() != null ? profile.name() : now.name(),
                profile.tier() != null ? profile.tier() : now.tier(),
                profile.tags() != null ? profile.tags() : now.tags(), now.addresses(),
                profile.preferredChannel() != null ? profile.preferredChannel() : now.preferredChannel()));
    }

    @GET
    @Path("{id}/conversations")
    public List<Conversation> conversations(@PathParam("id") String id, @Context SecurityContext security) {
        directory.require(id, RestEndpoint.staff(security));
        return conversationsOf.apply(List.of(id));
    }

    @GET
    @Path("{id}/timeline")
    public Timeline.Page timeline(@PathParam("id") String id, @QueryParam("before") String before,
                                  @QueryParam("limit") @DefaultValue("50") int limit, @Context SecurityContext security) {
        directory.require(id, RestEndpoint.staff(security));
        return directory.timeline(id, before, limit);
    }

    @POST
    @Path("{id}/addresses")
    @Consumes(MediaType.APPLICATION_JSON)
    public Customer link(@PathParam("id") String id, Link link, @Context SecurityContext security) {
        directory.require(id, RestEndpoint.staff(security));
        if (link == null) {
            throw new IllegalArgumentException("a JSON body with channel, address and verified is required");
        }
        return directory.link(id, new ChannelAddress(link.channel(), link.address()), link.verified(),
                security.getUserPrincipal().getName());
    }

    @GET
    @Path("{id}/identity-history")
    public List<IdentityChange> history(@PathParam("id") String id, @Context SecurityContext security) {
        directory.require(id, RestEndpoint.staff(security));
        return directory.history(id);
    }

    @RolesAllowed({Roles.ADMIN})
    @POST
    @Path("merges")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response merge(MergeRequest merge, @Context SecurityContext security) {
        if (merge == null || merge.sourceId() == null || merge.targetId() == null) {
            throw new IllegalArgumentException("sourceId and targetId are required");
        }
        String mergeId = directory.merge(merge.sourceId(), merge.targetId(), security.getUserPrincipal().getName(),
                merge.reason());
        return Response.status(201).entity(Map.of("mergeId", mergeId)).build();
    }

    @RolesAllowed({Roles.ADMIN})
    @DELETE
    @Path("merges/{mergeId}")
    public Response unmerge(@PathParam("mergeId") String mergeId, @QueryParam("reason") String reason,
                            @Context SecurityContext security) {
        directory.unmerge(mergeId, security.getUserPrincipal().getName(), reason);
        return Response.noContent().build();
    }

    /**
     * Erases the customer (and every customer merged with it) and everything kept of them: the right to
     * erasure of PIPL and GDPR. Admins only; the erasure is recorded (who, which id, when) and logged.
     */
    @RolesAllowed({Roles.ADMIN})
    @DELETE
    @Path("{id}")
    public Response erase(@PathParam("id") String id, @Context SecurityContext security) {
        directory.erase(id, security.getUserPrincipal().getName());
        return Response.noContent().build();
    }
}
