package io.switchboard.bot.internal;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the bot does with one customer message: answer it from the knowledge base, greet, or hand
 * the conversation to a human. Pure: the route carries the decision out.
 *
 * <ol>
 *   <li>A message naming a hand-off phrase (转人工, real person) goes to a human, with the skills of
 *       the article it is about if it names some. A bare "转人工" is about what the customer asked
 *       before, which the reason quotes so the agent sees it at once.</li>
 *   <li>A message an article matches with at least {@code minConfidence} gets that article's answer.</li>
 *   <li>A message that is nothing but a greeting ("你好", "在吗？") gets the greeting.</li>
 *   <li>Anything else goes to a human: the bot would rather hand over than guess.</li>
 * </ol>
 */
final class Bot {

    /** The bot's configuration, checked. */
    record Policy(double minConfidence, Phrases handoff, List<String> handoffSkills, String greeting,
                  Phrases greetingWords, String fallbackAnswer) {

        Policy {
            if (!(minConfidence >= 0 && minConfidence <= 1)) {
                throw new IllegalArgumentException("minConfidence must be between 0 and 1");
            }
            handoffSkills = List.copyOf(handoffSkills);
            io.switchboard.api.QueuedConversation.parseSkills(handoffSkills);
            greeting = blankToNull(greeting);
            fallbackAnswer = blankToNull(fallbackAnswer);
        }

        static Policy of(double minConfidence, String handoffKeywords, String handoffSkills, String greeting,
                         String greetingWords, String fallbackAnswer) {
            return new Policy(minConfidence, Phrases.parse(handoffKeywords), Article.splitGroup(handoffSkills == null ? "" : handoffSkills),
                    greeting, Phrases.parse(greetingWords), fallbackAnswer);
        }
    }

    static final int QUOTE_LENGTH = 100;

    private final Policy policy;
    private final Supplier<Matcher> articles;

    Bot(Policy policy, Supplier<Matcher> articles) {
        this.policy = policy;
        this.articles = articles;
    }

    Policy policy() {
        return policy;
    }

    /**
     * @param text       the message's text (may be empty)
     * @param unreadable kinds of parts the bot cannot read (image, file, location)
     * @param earlier    the customer's earlier messages in the conversation, newest first; asked for
     *                   only when a bare "转人工" needs to know what it is about
     */
    Decision decide(String text, List<String> unreadable, Supplier<List<String>> earlier) {
        if (text == null || text.isBlank()) {
            if (!unreadable.isEmpty()) {
                return handOff(0, null, policy.handoffSkills(), "sent " + String.join(", ", unreadable)
                        + ", which the bot cannot read");
            }
            return new Decision(Decision.Kind.IGNORE, null, 0, null, null, null, "nothing to answer", null);
        }
        Tokens question = Tokens.of(text);
        Matcher matcher = articles.get();
        Optional<Matcher.Match> match = matcher.best(question);
        double confidence = match.map(Matcher.Match::confidence).orElse(0.0);
        Optional<Matcher.Match> confident = match.filter(m -> m.confidence() >= policy.minConfidence());

        if (policy.handoff().foundIn(question)) {
            StringBuilder reason = new StringBuilder("asked for a human: ").append(quote(text));
            Optional<Matcher.Match> topic = confident;
            if (Phrases.saysOnly(question, policy.handoff(), policy.greetingWords())) {
                for (String e : earlier.get()) {
                    Tokens before = Tokens.of(e);
                    if (!Phrases.saysOnly(before, policy.handoff(), policy.greetingWords())) {
                        reason.append("; earlier: ").append(quote(e));
                        topic = matcher.best(before).filter(m -> m.confidence() >= policy.minConfidence());
                        break;
                    }
                }
            }
            topic.ifPresent(m -> reason.append("; topic: ").append(m.article().title()));
            List<String> skills = topic.map(m -> m.article().skills()).filter(s -> !s.isEmpty())
                    .orElse(policy.handoffSkills());
            return handOff(topic.map(Matcher.Match::confidence).orElse(confidence),
                    topic.orElse(null), skills, reason.toString());
        }
        if (confident.isPresent()) {
            Matcher.Match m = confident.get();
            return new Decision(Decision.Kind.ANSWER, m.article().answer(), m.confidence(), m.article().id(),
                    m.article().title(), null, null, m.found());
        }
        if (policy.greeting() != null && Phrases.saysOnly(question, policy.greetingWords())) {
            return new Decision(Decision.Kind.GREETING, policy.greeting(), confidence, null, null, null, null, null);
        }
        String reason = "the bot has no confident answer (" + confidence + " < " + policy.minConfidence() + "): "
                + quote(text) + match.map(m -> "; closest: " + m.article().title()).orElse("");
        return handOff(confidence, match.orElse(null), policy.handoffSkills(), reason);
    }

    private Decision handOff(double confidence, Matcher.Match match, List<String> skills, String reason) {
        return new Decision(Decision.Kind.HAND_OFF, policy.fallbackAnswer(), confidence,
                match == null ? null : match.article().id(), match == null ? null : match.article().title(),
                skills, reason, match == null ? null : match.found());
    }

    /** Whether the customer asks for a human in {@code text}: that ends any skill's dialogue. */
    boolean asksForHuman(String text) {
        return text != null && !text.isBlank() && policy.handoff().foundIn(Tokens.of(text));
    }

    /** The question as the agent reads it on the timeline: one line, at most {@value QUOTE_LENGTH} characters. */
    static String quote(String text) {
        String line = text.strip().replaceAll("\\s+", " ");
        if (line.codePointCount(0, line.length()) > QUOTE_LENGTH) {
            line = line.substring(0, line.offsetByCodePoints(0, QUOTE_LENGTH)) + "…";
        }
        return "\"" + line + "\"";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
