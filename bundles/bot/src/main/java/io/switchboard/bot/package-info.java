/**
 * Skills: dialogues the bot holds with a customer to get something done (book a pickup, rebook a
 * flight, take a survey's score). A plugin publishes a {@link io.switchboard.bot.BotSkill} as an
 * OSGi service; the bot offers each new message to the skills, and once one has opened a dialogue
 * every message of that conversation goes to it until it is done, hands off, or the customer
 * cancels or asks for a human. What the dialogue knows is kept in the database between messages.
 */
@Export
@Version("1.0.0")
package io.switchboard.bot;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
