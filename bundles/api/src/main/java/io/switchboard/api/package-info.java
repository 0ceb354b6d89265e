/**
 * The canonical model of Switchboard and the names of its bus addresses. Everything a plugin and
 * the core exchange on the bus is one of these types, bound to JSON with JSON-B.
 */
@Export
@Version("1.5.0")
package io.switchboard.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
