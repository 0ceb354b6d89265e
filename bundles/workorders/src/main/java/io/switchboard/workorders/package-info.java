/**
 * Work orders: what a conversation turns into when the contact centre must do something (a pickup,
 * a repair, a complaint to investigate), carried to a team or a field worker and back. The bot, an
 * agent, a proactive rule or a system connector opens them through {@link io.switchboard.workorders.WorkOrders}.
 */
@Export
@Version("1.2.0")
package io.switchboard.workorders;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
