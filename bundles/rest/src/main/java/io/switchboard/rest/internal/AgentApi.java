package io.switchboard.rest.internal;

import io.switchboard.api.Conversation;
import io.switchboard.api.Message;
import io.switchboard.bus.DeadLetterQueue;
import io.switchboard.conversation.AgentDesk;
import java.net.URI;
import java.util.List;
import java.util.Map;
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
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public final class AgentApi {

    /** What an agent posts to reply. {@code replyId} makes a retry safe. */
    public record Reply(String text, String replyId) {
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
                                            @QueryParam("limit") @DefaultValue("100") int limit) {
        if (!state.equals("open") && !state.equals("all")) {
            throw new IllegalArgumentException("state must be open or all");
        }
        return desk.conversations(state.equals("open"), limit);
    }

    @GET
    @Path("conversations/{id}/messages")
    public List<Message> messages(@PathParam("id") String id, @QueryParam("limit") @DefaultValue("500") int limit) {
        return desk.timeline(id, limit);
    }

    @POST
    @Path("conversations/{id}/replies")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response reply(@PathParam("id") String id, Reply reply, @Context SecurityContext security,
                          @Context UriInfo uri) {
        if (reply == null) {
            throw new IllegalArgumentException("a JSON body with text is required");
        }
        Message sent = desk.reply(id, security.getUserPrincipal().getName(), reply.text(), reply.replyId());
        URI location = uri.getBaseUriBuilder().path("conversations").path(id).path("messages").build();
        return Response.created(location).entity(sent).build();
    }

    @GET
    @Path("dead-letters/{queue}")
    public List<DeadLetterQueue.DeadLetter> deadLetters(@PathParam("queue") String queue,
                                                        @QueryParam("limit") @DefaultValue("100") int limit) {
        return deadLetters.apply(queue).browse(Math.max(1, Math.min(limit, 1000)));
    }

    @POST
    @Path("dead-letters/{queue}/replay")
    public Map<String, Integer> replay(@PathParam("queue") String queue, @Context SecurityContext security) {
        if (!security.isUserInRole("admin")) {
            throw new javax.ws.rs.ForbiddenException("replaying dead letters needs the admin role");
        }
        return Map.of("replayed", deadLetters.apply(queue).replay());
    }
}
