package io.switchboard.bot.internal;

import java.util.List;

/**
 * What the bot does with a message. {@code say} is what goes to the customer (null: nothing);
 * {@code skills} and {@code reason} are for a hand-off; {@code articleId}, {@code title} and
 * {@code found} (the terms it matched by) name the article the decision rests on, if any.
 */
public record Decision(Kind kind, String say, double confidence, String articleId, String title,
                       List<String> skills, String reason, List<String> found) {

    public enum Kind { ANSWER, GREETING, HAND_OFF, IGNORE }

    public Decision {
        skills = skills == null ? List.of() : List.copyOf(skills);
        found = found == null ? List.of() : List.copyOf(found);
    }
}
