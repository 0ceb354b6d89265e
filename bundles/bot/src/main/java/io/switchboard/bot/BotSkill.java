package io.switchboard.bot;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A dialogue the bot can hold: a plugin's OSGi service. Both methods run inside the bus transaction
 * of the customer's message; if it rolls back the message comes again with the dialogue as it was
 * before, so anything a skill does outside (a work order, a booking) must be idempotent: use
 * {@link Dialogue#key()} as the idempotency key.
 */
@ConsumerType
public interface BotSkill {

    /** Unique among skills; kept with a dialogue in progress, so keep it stable across versions. */
    String name();

    /**
     * Whether a message that arrives with no dialogue in progress asks for what this skill does.
     * {@code dialogue} has no facts yet. The first skill (by name) that says yes gets the message.
     */
    boolean opens(Dialogue dialogue, String text);

    /** One turn: what the customer just wrote, with what the dialogue knew before it. */
    Turn next(Dialogue dialogue, String text);
}
