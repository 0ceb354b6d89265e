package io.switchboard.bot.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.ContentPart;
import io.switchboard.api.Conversation;
import io.switchboard.api.ConversationState;
import io.switchboard.api.Direction;
import io.switchboard.api.Message;
import io.switchboard.bus.DeadLetters;
import io.switchboard.conversation.AgentDesk;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Customers' messages while their conversation is with the bot ({@code sb.bot}): each is answered,
 * greeted or handed to a human through {@link AgentDesk}.
 *
 * <p>Consumption is transacted, so a message is forgotten only once the reply is stored. The reply's
 * id comes from the customer's message id: a redelivery replies with the same id, which the desk
 * stores and the broker sends only once. A conversation that has left the bot meanwhile (an agent
 * took it, it closed) is left alone.
 */
final class BotRoutes extends RouteBuilder {

    static final String ROUTE_ID = "bot";
    static final String REPLY_ID_PATTERN = "[A-Za-z0-9._:-]{1,40}";
    /** How many earlier messages of the conversation a bare "转人工" is looked up in. */
    static final int EARLIER_LIMIT = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(BotRoutes.class);

    private final Bot bot;
    private final AgentDesk desk;
    private final CanonicalJson json;

    BotRoutes(Bot bot, AgentDesk desk, CanonicalJson json) {
        this.bot = bot;
        this.desk = desk;
        this.json = json;
    }

    @Override
    public void configure() {
        errorHandler(DeadLetters.forAddress(BusAddress.BOT));
        from("bus:queue:" + BusAddress.BOT + "?transacted=true&asyncStartListener=true")
                .routeId(ROUTE_ID)
                .process(this::receive);
    }

    void receive(Exchange exchange) throws InvalidPayloadException {
        handle(json.fromJson(exchange.getMessage().getMandatoryBody(String.class), Message.class));
    }

    void handle(Message message) {
        if (message.direction() != Direction.INBOUND) {
            throw new IllegalArgumentException("sb.bot takes customers' (INBOUND) messages, got " + message.direction());
        }
        String id = message.conversationId();
        if (id == null) {
            throw new IllegalArgumentException("message " + message.id() + " names no conversation");
        }
        if (!withBot(id)) {
            return;
        }
        List<String> unreadable = message.parts().stream()
                .filter(p -> p.kind() != ContentPart.Kind.TEXT && p.kind() != ContentPart.Kind.EVENT)
                .map(p -> p.kind().name().toLowerCase(Locale.ROOT)).distinct().toList();
        Decision decision = bot.decide(message.text(), unreadable, () -> earlier(id, message));
        String replyId = replyId(message);
        try {
            switch (decision.kind()) {
                case ANSWER, GREETING -> desk.reply(id, AgentDesk.BOT, decision.say(), replyId, null);
                case HAND_OFF -> {
                    // the customer hears it first: after the hand-off the conversation is no longer the bot's
                    if (decision.say() != null) {
                        desk.reply(id, AgentDesk.BOT, decision.say(), replyId, null);
                    }
                    desk.handOff(id, decision.skills(), decision.reason());
                }
                case IGNORE -> {
                    return;
                }
            }
        } catch (IllegalStateException | NoSuchElementException e) {
            // closed or taken meanwhile: nothing left to do; anything else is worth a retry
            if (withBot(id)) {
                throw e;
            }
            return;
        }
        LOG.debug("Conversation {}: {} (confidence {}, article {})", id, decision.kind(), decision.confidence(),
                decision.articleId());
    }

    private boolean withBot(String conversationId) {
        Conversation c;
        try {
            c = desk.conversation(conversationId);
        } catch (NoSuchElementException e) {
            LOG.warn("Conversation {} of a message for the bot does not exist; ignored", conversationId);
            return false;
        }
        return c.state() == ConversationState.BOT;
    }

    /** The customer's texts before {@code message}, newest first. */
    private List<String> earlier(String conversationId, Message message) {
        List<String> texts = new ArrayList<>();
        for (Message m : desk.timeline(conversationId, EARLIER_LIMIT)) {
            if (m.direction() == Direction.INBOUND && !m.id().equals(message.id()) && !m.time().isAfter(message.time())
                    && !m.text().isBlank()) {
                texts.add(0, m.text());
            }
        }
        return texts;
    }

    /** "bot-" and the customer's message id, or its hash where that id does not fit a reply id. */
    static String replyId(Message message) {
        String id = "bot-" + message.id();
        if (id.matches(REPLY_ID_PATTERN)) {
            return id;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(message.id().getBytes(StandardCharsets.UTF_8));
            return "bot-" + HexFormat.of().formatHex(hash).substring(0, 36);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
