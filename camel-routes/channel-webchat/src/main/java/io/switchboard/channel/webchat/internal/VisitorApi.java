package io.switchboard.channel.webchat.internal;

import io.switchboard.api.ChannelAddress;
import io.switchboard.api.ContentPart;
import io.switchboard.api.Direction;
import io.switchboard.api.Ids;
import io.switchboard.api.Message;
import io.switchboard.rest.ProblemException;
import io.switchboard.rest.SourceRate;
import javax.servlet.http.HttpServletRequest;
import javax.ws.rs.core.Context;
import io.switchboard.store.Store;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.annotation.security.PermitAll;
import javax.ws.rs.Consumes;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;

/**
 * {@code POST /switchboard/api/webchat/messages}: what the widget sends. Anonymous (visitors have no
 * accounts); the visitor id is their key. The 202 comes only once the broker has the message.
 */
@Path("/")
@PermitAll
public final class VisitorApi {

    /** The widget's JSON. */
    public record Incoming(String visitorId, String text, String clientMessageId) {
    }

    /** The 202 body: the ids the widget keeps. */
    public record Accepted(String messageId, String conversationId, String visitorId) {
    }

    /** Puts the message on the bus and returns once it is durable there. */
    interface Inbound {
        void accept(Message message);
    }

    private final Store store;
    private final Inbound inbound;
    private final int maxTextLength;
    private final SourceRate rate;

    VisitorApi(Store store, Inbound inbound, int maxTextLength, SourceRate rate) {
        this.store = store;
        this.inbound = inbound;
        this.maxTextLength = maxTextLength;
        this.rate = rate;
    }

    @POST
    @Path("messages")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response post(Incoming in, @Context HttpServletRequest request) {
        return accept(in, request.getRemoteAddr());
    }

    /** What {@link #post} does for a request from {@code source} (the sender's address). */
    Response accept(Incoming in, String source) {
        long wait = rate.waitSeconds(source, System.currentTimeMillis());
        if (wait > 0) {
            throw ProblemException.retryAfter(429, "Too many requests",
                    "too many messages from this address; retry in " + wait + " s", wait);
        }
        if (in == null) {
            throw new ProblemException(400, "Bad request", "a JSON body is required");
        }
        if (in.text() == null || in.text().isBlank()) {
            throw new ProblemException(400, "Bad request", "text is required");
        }
        if (in.text().codePointCount(0, in.text().length()) > maxTextLength) {
            throw new ProblemException(413, "Text too long", "text exceeds " + maxTextLength + " characters");
        }
        if (in.visitorId() != null && !in.visitorId().matches(Visitors.ID_PATTERN)) {
            throw new ProblemException(400, "Bad request", "visitorId must be 16-128 letters, digits, _ or -");
        }
        if (in.clientMessageId() != null && !in.clientMessageId().matches("[A-Za-z0-9._:-]{1,100}")) {
            throw new ProblemException(400, "Bad request", "clientMessageId must be 1-100 letters, digits or . _ : -");
        }
        String visitorId = in.visitorId() != null ? in.visitorId() : Visitors.newVisitorId();
        ChannelAddress address = Visitors.address(visitorId);
        String conversationId = store.inTransaction(s -> Visitors.conversationFor(s, visitorId));
        // A resend of the same client message gets the same ids, and the bus drops it as a duplicate.
        String channelMessageId = in.clientMessageId() != null ? visitorId + ":" + in.clientMessageId() : null;
        String messageId = channelMessageId != null
                ? UUID.nameUUIDFromBytes(("webchat:" + channelMessageId).getBytes(StandardCharsets.UTF_8)).toString()
                : Ids.newId();
        Message message = new Message(messageId, channelMessageId, Direction.INBOUND, address, conversationId, null, null,
                Instant.now().truncatedTo(ChronoUnit.MICROS), List.of(ContentPart.text(in.text())), Map.of());
        inbound.accept(message);
        return Response.accepted(new Accepted(messageId, conversationId, visitorId)).build();
    }
}
