package io.switchboard.bot.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.ContentPart;
import io.switchboard.api.Conversation;
import io.switchboard.api.ConversationState;
import io.switchboard.api.Direction;
import io.switchboard.api.Message;
import io.switchboard.bot.BotSkill;
import io.switchboard.bot.Dialogue;
import io.switchboard.bot.Turn;
import io.switchboard.bus.DeadLetters;
import io.switchboard.conversation.AgentDesk;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Supplier;
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

    /** How skills' dialogues end besides finishing: the customer cancels, or it drags on. */
    record DialoguePolicy(Phrases cancelWords, String cancelled, int maxTurns) {
    }

    private final Bot bot;
    private final AgentDesk desk;
    private final CanonicalJson json;
    private final Dialogues dialogues;
    private final Supplier<List<BotSkill>> skills;
    private final DialoguePolicy dialoguePolicy;

    BotRoutes(Bot bot, AgentDesk desk, CanonicalJson json) {
        this(bot, desk, json, null, List::of, null);
    }

    BotRoutes(Bot bot, AgentDesk desk, CanonicalJson json, Dialogues dialogues, Supplier<List<BotSkill>> skills,
              DialoguePolicy dialoguePolicy) {
        this.bot = bot;
        this.desk = desk;
        this.json = json;
        this.dialogues = dialogues;
        this.skills = skills;
        this.dialoguePolicy = dialoguePolicy;
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
        String replyId = replyId(message);
        if (dialogues != null && inDialogue(message, replyId)) {
            return;
        }
        Decision decision = bot.decide(message.text(), unreadable, () -> earlier(id, message));
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

    /**
     * Gives the message to the skill whose dialogue is in progress, or to the first skill it opens
     * one with. Asking for a human ends a dialogue and leaves the message to the bot's hand-off.
     *
     * @return whether a skill took the message
     */
    private boolean inDialogue(Message message, String replyId) {
        String id = message.conversationId();
        String text = message.text() == null ? "" : message.text();
        boolean human = bot.asksForHuman(text);
        Optional<Dialogues.Stored> stored = dialogues.of(id);
        if (stored.isPresent()) {
            Optional<BotSkill> skill = skills.get().stream().filter(k -> k.name().equals(stored.get().skill())).findFirst();
            if (human || skill.isEmpty()) {
                // a skill that was uninstalled mid-dialogue leaves the customer to the bot, not in limbo
                dialogues.end(id);
                return false;
            }
            Tokens words = Tokens.of(text);
            if (dialoguePolicy.cancelWords().foundIn(words) && Phrases.saysOnly(words, dialoguePolicy.cancelWords())) {
                desk.reply(id, AgentDesk.BOT, dialoguePolicy.cancelled(), replyId, null);
                dialogues.end(id);
                return true;
            }
            return carryOut(skill.get(), new Dialogue(id, message.customerId(), message.address(), skill.get().name(),
                    stored.get().facts(), stored.get().turns()), text, replyId);
        }
        if (human || text.isBlank()) {
            return false;
        }
        for (BotSkill skill : skills.get()) {
            Dialogue fresh = new Dialogue(id, message.customerId(), message.address(), skill.name(), Map.of(), 0);
            if (skill.opens(fresh, text)) {
                return carryOut(skill, fresh, text, replyId);
            }
        }
        return false;
    }

    private boolean carryOut(BotSkill skill, Dialogue dialogue, String text, String replyId) {
        String id = dialogue.conversationId();
        Turn turn;
        try {
            turn = skill.next(dialogue, text);
        } catch (RuntimeException e) {
            // a broken skill must not dead-letter the customer's words: a human takes over
            LOG.error("Conversation {}: skill {} failed; handing over", id, skill.name(), e);
            turn = Turn.handOff(bot.policy().fallbackAnswer(), List.of(), "the bot's skill " + skill.name()
                    + " failed: " + e.getMessage());
        }
        if (turn.outcome() == Turn.Outcome.ASK && dialogue.turns() + 1 >= dialoguePolicy.maxTurns()) {
            turn = Turn.handOff(bot.policy().fallbackAnswer(), List.of(), "the bot's skill " + skill.name()
                    + " took " + dialogue.turns() + " turns without finishing; last: " + Bot.quote(text));
        }
        switch (turn.outcome()) {
            case DECLINE -> {
                return false;
            }
            case ASK -> {
                desk.reply(id, AgentDesk.BOT, turn.say(), replyId, null);
                // after the reply: a redelivery asks the same question with the same reply id, sent once
                dialogues.save(dialogue, turn.facts(), Instant.now());
            }
            case DONE -> {
                if (turn.say() != null) {
                    desk.reply(id, AgentDesk.BOT, turn.say(), replyId, null);
                }
                dialogues.end(id);
            }
            case HAND_OFF -> {
                if (turn.say() != null) {
                    desk.reply(id, AgentDesk.BOT, turn.say(), replyId, null);
                }
                dialogues.end(id);
                desk.handOff(id, turn.skills().isEmpty() ? bot.policy().handoffSkills() : turn.skills(), turn.reason());
            }
        }
        LOG.debug("Conversation {}: skill {} {}", id, skill.name(), turn.outcome());
        return true;
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
