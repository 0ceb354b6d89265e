package io.switchboard.bot.internal;

import io.switchboard.api.Roles;
import io.switchboard.rest.ProblemException;
import java.net.URI;
import java.util.List;
import java.util.NoSuchElementException;
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
 * {@code /switchboard/api/kb}: the knowledge base's articles, and what the bot would answer to a
 * question. Agents and admins read; only admins write.
 */
@RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR, Roles.AGENT})
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public final class KnowledgeBaseApi {

    private final KnowledgeBase kb;
    private final Bot bot;

    KnowledgeBaseApi(KnowledgeBase kb, Bot bot) {
        this.kb = kb;
        this.bot = bot;
    }

    @GET
    @Path("articles")
    public List<Article> articles() {
        return kb.all();
    }

    @GET
    @Path("articles/{id}")
    public Article article(@PathParam("id") String id) {
        return kb.byId(id).orElseThrow(() -> new NoSuchElementException("no article " + id));
    }

    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR})
    @POST
    @Path("articles")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(Article article) {
        Article created = kb.create(required(article));
        return Response.created(location(created.id())).entity(created).build();
    }

    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR})
    @PUT
    @Path("articles/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response put(@PathParam("id") String id, Article article) {
        KnowledgeBase.Saved saved = kb.put(id, required(article));
        return saved.created()
                ? Response.created(location(id)).entity(saved.article()).build()
                : Response.ok(saved.article()).build();
    }

    @RolesAllowed({Roles.ADMIN, Roles.SUPERVISOR})
    @DELETE
    @Path("articles/{id}")
    public Response delete(@PathParam("id") String id) {
        kb.delete(id);
        return Response.noContent().build();
    }

    /** What the bot would do with {@code q}, for trying articles out; nothing is sent. */
    @GET
    @Path("answer")
    public Decision answer(@QueryParam("q") String q) {
        if (q == null || q.isBlank()) {
            throw new ProblemException(400, "Bad request", "q, the question, is required");
        }
        if (q.length() > 4000) {
            throw new ProblemException(400, "Bad request", "q is longer than 4000 characters");
        }
        return bot.decide(q, List.of(), List::of);
    }

    private static Article required(Article article) {
        if (article == null) {
            throw new ProblemException(400, "Bad request", "a JSON article is required");
        }
        return article;
    }

    /** Relative, so JAX-RS resolves it against wherever the API is served. */
    private static URI location(String id) {
        return URI.create("articles/" + id);
    }
}
