/**
 * Integrators' route files in Karaf's {@code deploy/} directory, as the platform sees them: which
 * files run and why the others do not. The shell and the REST API read {@link io.switchboard.routefiles.RouteFiles}.
 */
@Export
@Version("1.1.0")
package io.switchboard.routefiles;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
