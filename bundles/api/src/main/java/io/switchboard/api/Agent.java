package io.switchboard.api;

import java.util.Map;

/**
 * Someone who answers customers. Skills map a skill name to a level (1-10); capacity maps a channel
 * to how many conversations on it the agent takes at once.
 */
public record Agent(String id, String name, Map<String, Integer> skills, Map<String, Integer> capacity,
                    Presence presence, Workplace workplace) {

    public enum Presence { OFFLINE, AVAILABLE, BUSY, AWAY }

    public enum Workplace { CENTRE, REMOTE, HOME, FIELD }

    public Agent {
        ChannelAddress.requireText(id, "id");
        skills = skills == null ? Map.of() : Map.copyOf(skills);
        capacity = capacity == null ? Map.of() : Map.copyOf(capacity);
        presence = presence == null ? Presence.OFFLINE : presence;
        workplace = workplace == null ? Workplace.CENTRE : workplace;
    }
}
