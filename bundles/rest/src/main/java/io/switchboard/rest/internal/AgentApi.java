package io.switchboard.rest.internal;

import io.switchboard.api.ChannelAddress;
import io.switchboard.api.Conversation;
import io.switchboard.api.ConversationState;
import io.switchboard.api.Message;
import io.switchboard.api.Roles;
import io.switchboard.api.Staff;
import io.switchboard.bus.DeadLetterQueue;
import io.switchboard.conversation.AgentDesk;
import io.switchboard.rest.RestEndpoint;
import java.net.URI;
import java.util.List;
import java.util.Map;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.DefaultValue;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import javax.ws.rs.core.UriInfo;

/** The agents' API: conversations, their timelines, replies, and the dead letters operators replay. */
@RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public final class AgentApi {

    /**
     * What an agent posts to reply. {@code replyId} makes a retry safe; {@code channel} and
     * {@code address} pick another of the customer's addresses than the one they last wrote from.
     */
    public record Reply(String text, String replyId, String channel, String address) {
    }

    /** A transfer names an agent or the skills to queue for. */
    public record Transfer(String toAgentId, List<String> skills) {
    }

    private final AgentDesk desk;
    private final java.util.function.Function<String, DeadLetterQueue> deadLetters;

    public AgentApi(AgentDesk desk, java.util.function.Function<String, DeadLetterQueue> deadLetters) {
        this.desk = desk;
        this.deadLetters = deadLetters;
    }

    @GET
    @Path("conversations")
    public List<Conversation> conversations(@QueryParam("state") @DefaultValue("open") String state,
                                            @QueryParam("mine") @DefaultValue("false") boolean mine,
                                            @QueryParam("limit") @DefaultValue("100") int limit,
                                            @Context SecurityContext security) {
        if (mine) {
            return desk.assignedTo(security.getUserPrincipal().getName());
        }
        List<Conversation> found;
        switch (state) {
            case "open":
                found = desk.conversations(true, limit);
                break;
            case "all":
                found = desk.conversations(false, limit);
                break;
            default:
                ConversationState wanted;
                try {
                    wanted = ConversationState.valueOf(state);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("state must be open, all, BOT, QUEUED, ASSIGNED, WAITING or CLOSED");
                }
                found = desk.inState(wanted, limit);
        }
        Staff who = RestEndpoint.staff(security);
        return who.oversees() ? found : found.stream().filter(c -> desk.maySee(c, who)).toList();
    }

    @GET
    @Path("conversations/{id}")
    public Conversation conversation(@PathParam("id") String id, @Context SecurityContext security) {
        return desk.require(id, RestEndpoint.staff(security), false);
    }

    @GET
    @Path("conversations/{id}/messages")
    public List<Message> messages(@PathParam("id") String id, @QueryParam("limit") @DefaultValue("500") int limit,
                                  @Context SecurityContext security) {
        desk.require(id, RestEndpoint.staff(security), false);
        return desk.timeline(id, limit);
    }

    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT, Roles.FIELD})
    @POST
    @Path("conversations/{id}/replies")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response reply(@PathParam("id") String id, Reply reply, @Context SecurityContext security,
                          @Context UriInfo uri) {
        desk.require(id, RestEndpoint.staff(security), true);
        if (reply == null) {
            throw new IllegalArgumentException("a JSON body with text is required");
        }
        if ((reply.channel() == null) != (reply.address() == null)) {
            throw new IllegalArgumentException("channel and address go together");
        }
        ChannelAddress via = reply.channel() == null ? null : new ChannelAddress(reply.channel(), reply.address());
        Message sent = desk.reply(id, security.getUserPrincipal().getName(), reply.text(), reply.replyId(), via);
        URI location = uri.getBaseUriBuilder().path("conversations").path(id).path("messages").build();
        return Response.created(location).entity(sent).build();
    }

    @POST
    @Path("conversations/{id}/accept")
    public Conversation accept(@PathParam("id") String id, @Context SecurityContext security) {
        // what an agent sees they may take: a queued one, or one routed to them
        desk.require(id, RestEndpoint.staff(security), false);
        return desk.accept(id, security.getUserPrincipal().getName());
    }

    @POST
    @Path("conversations/{id}/transfer")
    @Consumes(MediaType.APPLICATION_JSON)
    public Conversation transfer(@PathParam("id") String id, Transfer transfer, @Context SecurityContext security) {
        String me = security.getUserPrincipal().getName();
        desk.require(id, RestEndpoint.staff(security), true);
        if (transfer == null || (transfer.toAgentId() == null) == (transfer.skills() == null || transfer.skills().isEmpty())) {
            throw new IllegalArgumentException("a transfer names either toAgentId or skills");
        }
        return transfer.toAgentId() != null
                ? desk.transferToAgent(id, me, transfer.toAgentId())
                : desk.transferToSkills(id, me, transfer.skills());
    }

    @POST
    @Path("conversations/{id}/close")
    public Conversation close(@PathParam("id") String id, @Context SecurityContext security) {
        desk.require(id, RestEndpoint.staff(security), true);
        return desk.close(id, security.getUserPrincipal().getName());
    }

    @RolesAllowed({Roles.ADMIN, Roles.INTEGRATOR})
    @GET
    @Path("dead-letters/{queue}")
    public List<DeadLetterQueue.DeadLetter> deadLetters(@PathParam("queue") String queue,
                                                        @QueryParam("limit") @DefaultValue("100") int limit) {
        return deadLetters.apply(queue).browse(Math.max(1, Math.min(limit, 1000)));
    }

    @RolesAllowed({Roles.ADMIN, Roles.INTEGRATOR})
    @POST
    @Path("dead-letters/{queue}/replay")
    public Map<String, Integer> replay(@PathParam("queue") String queue) {
        return Map.of("replayed", deadLetters.apply(queue).replay());
    }
}
