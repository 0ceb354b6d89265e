package io.switchboard.kpis.internal;

import io.switchboard.api.QueuedConversation;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * A queue is the skill set a conversation asks for, as routing reads it: {@code billing:3,售后:1},
 * sorted by skill, every level written out, so {@code billing} and {@code billing:1} are one queue.
 * A conversation asking for nothing is in {@link #GENERAL}, which no skill set can be written as
 * (a written skill always carries its level). Routing names queues the same way (docs/kpis.md).
 */
final class Queues {

    static final String GENERAL = "general";

    private Queues() {
    }

    /** @param stored the conversation's skills as the store keeps them (a comma list), or null */
    static String of(String stored) {
        if (stored == null || stored.isBlank()) {
            return GENERAL;
        }
        return of(Arrays.asList(stored.split(",")));
    }

    static String of(List<String> skills) {
        Map<String, Integer> parsed;
        try {
            parsed = QueuedConversation.parseSkills(skills);
        } catch (NumberFormatException e) {
            return String.join(",", skills);
        }
        return of(parsed);
    }

    static String of(Map<String, Integer> skills) {
        if (skills.isEmpty()) {
            return GENERAL;
        }
        StringJoiner key = new StringJoiner(",");
        new TreeMap<>(skills).forEach((name, level) -> key.add(name + ":" + level));
        return key.toString();
    }

    /** The skills a queue asks for (none for {@link #GENERAL}). */
    static Map<String, Integer> skills(String queue) {
        return GENERAL.equals(queue) ? Map.of() : QueuedConversation.parseSkills(Arrays.asList(queue.split(",")));
    }
}
