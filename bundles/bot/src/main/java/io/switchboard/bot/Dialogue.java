package io.switchboard.bot;

import io.switchboard.api.ChannelAddress;
import java.util.Map;

/**
 * A skill's dialogue with one customer in one conversation: what it learnt so far ({@code facts},
 * as the skill named them) and how many turns it took.
 */
public record Dialogue(String conversationId, String customerId, ChannelAddress address, String skill,
                       Map<String, String> facts, int turns) {

    public Dialogue {
        facts = facts == null ? Map.of() : Map.copyOf(facts);
    }

    /** Stable for this dialogue across redeliveries and restarts: the idempotency key of what it does. */
    public String key() {
        return skill + ":" + conversationId;
    }

    public String fact(String name) {
        return facts.get(name);
    }
}
