package io.switchboard.api;

import java.time.Instant;
import java.util.Map;

/**
 * A conversation waiting for an agent. {@code skills} maps each required skill to the least level
 * (1-10) an agent needs in it; {@code priority} is higher for VIPs and escalations.
 */
public record QueuedConversation(String conversationId, String customerId, String channel,
                                 Map<String, Integer> skills, Customer.Tier tier, int priority, Instant queuedAt) {

    public QueuedConversation {
        ChannelAddress.requireText(conversationId, "conversationId");
        ChannelAddress.requireText(channel, "channel");
        skills = skills == null ? Map.of() : Map.copyOf(skills);
        tier = tier == null ? Customer.Tier.STANDARD : tier;
    }

    /**
     * Reads a conversation's stored skill list, where each entry is {@code name} or
     * {@code name:level} (level 1 when left out).
     */
    public static Map<String, Integer> parseSkills(Iterable<String> entries) {
        Map<String, Integer> skills = new java.util.LinkedHashMap<>();
        for (String entry : entries) {
            String e = entry.strip();
            if (e.isEmpty()) {
                continue;
            }
            int colon = e.lastIndexOf(':');
            if (colon > 0) {
                skills.put(e.substring(0, colon), Integer.parseInt(e.substring(colon + 1)));
            } else {
                skills.put(e, 1);
            }
        }
        return skills;
    }
}
