package io.switchboard.bot;

import java.util.List;
import java.util.Map;

/**
 * What a skill does with one message. ASK: say something and wait for the next message, knowing
 * {@code facts}; DONE: say something and end the dialogue; HAND_OFF: say something (or nothing) and
 * pass the conversation to a human with {@code skills} and {@code reason}; DECLINE: the skill does
 * not take this message after all, and the bot answers it as if no skill were there.
 */
public record Turn(Outcome outcome, String say, Map<String, String> facts, List<String> skills, String reason) {

    public enum Outcome { ASK, DONE, HAND_OFF, DECLINE }

    public Turn {
        facts = facts == null ? Map.of() : Map.copyOf(facts);
        skills = skills == null ? List.of() : List.copyOf(skills);
    }

    public static Turn ask(String say, Map<String, String> facts) {
        return new Turn(Outcome.ASK, say, facts, null, null);
    }

    public static Turn done(String say) {
        return new Turn(Outcome.DONE, say, null, null, null);
    }

    /** @param skills the agent skills it needs (empty: the bot's hand-off skills) */
    public static Turn handOff(String say, List<String> skills, String reason) {
        return new Turn(Outcome.HAND_OFF, say, null, skills, reason);
    }

    public static Turn decline() {
        return new Turn(Outcome.DECLINE, null, null, null, null);
    }
}
