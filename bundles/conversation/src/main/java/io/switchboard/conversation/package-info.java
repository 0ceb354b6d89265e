/**
 * What agents do with conversations: list them, read their timeline, reply. The REST API and any
 * agent-side plugin call {@link io.switchboard.conversation.AgentDesk}.
 */
@Export
@Version("1.4.0")
package io.switchboard.conversation;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
