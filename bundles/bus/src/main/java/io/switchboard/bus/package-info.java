/**
 * The bus as a service, and the one way a bundle runs Camel routes on it: a DS component owns a
 * {@link io.switchboard.bus.BundleRoutes} built from its bundle, with the {@code bus:} endpoint
 * ({@code bus:queue:<address>}, {@code bus:topic:<address>}) wired to Artemis. A plugin bundle (manifest header
 * {@code Switchboard-Plugin}) gets a Bus of its own, limited by the broker to what {@link io.switchboard.bus.BusGrants} granted it.
 */
@Export
@Version("1.6.0")
package io.switchboard.bus;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
