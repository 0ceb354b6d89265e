/**
 * What a system connector (billing, logistics, ERP, booking) is built on. A connector supplies a
 * {@link io.switchboard.systems.SystemCall} that asks its system once; a
 * {@link io.switchboard.systems.SystemConnector} takes the requests from
 * {@code sb.system.<name>.request}, answers each id once on its reply address, and holds requests
 * through an outage with back-off behind a circuit breaker, so nothing is lost or dead-lettered
 * while the system is down.
 */
@Export
@Version("1.0.0")
package io.switchboard.systems;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
