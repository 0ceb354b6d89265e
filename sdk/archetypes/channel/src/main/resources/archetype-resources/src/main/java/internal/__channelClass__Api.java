package ${package}.internal;

import io.switchboard.api.ChannelAddress;
import io.switchboard.api.ContentPart;
import io.switchboard.api.Direction;
import io.switchboard.api.Ids;
import io.switchboard.api.Message;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.annotation.security.PermitAll;
import javax.ws.rs.Consumes;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;

/**
 * {@code POST /switchboard/api/${channel}/messages}: what the outside world sends, normalized to a
 * {@link Message}. Its own message id becomes the duplicate id, so a resend is dropped by the bus.
 */
@Path("/")
@PermitAll
public class ${channelClass}Api {

    /** Puts a message on the bus; returns only once the bus has it. */
    public interface Inbound {
        void send(Message message);
    }

    public record Incoming(String from, String text, String messageId) {
    }

    public record Accepted(String id) {
    }

    private final Inbound inbound;
    private final int maxTextLength;

    public ${channelClass}Api(Inbound inbound, int maxTextLength) {
        this.inbound = inbound;
        this.maxTextLength = maxTextLength;
    }

    @POST
    @Path("messages")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response accept(Incoming in) {
        if (in == null || blank(in.from()) || blank(in.text()) || blank(in.messageId())) {
            throw new IllegalArgumentException("from, text and messageId are required");
        }
        if (in.text().length() > maxTextLength) {
            return Response.status(413).build();
        }
        Message message = new Message(Ids.newId(), in.messageId(), Direction.INBOUND,
                new ChannelAddress(${channelClass}Channel.CHANNEL, in.from()), null, null, null, Instant.now(),
                List.of(ContentPart.text(in.text())), Map.of());
        inbound.send(message);
        return Response.accepted(new Accepted(message.id())).build();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
