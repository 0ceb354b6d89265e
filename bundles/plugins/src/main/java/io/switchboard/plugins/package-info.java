/**
 * Plugins as operators see them: a catalog of signed plugins and the plugins installed on this server.
 * A plugin is a signed KAR (its feature and bundles) with a descriptor; it is verified against the
 * operator's trusted signers on publish and again on install, previewed, installed, upgraded with a
 * drain of the old version, rolled back to the version before with that version's configuration,
 * and uninstalled. REST, the shell and JMX (Hawtio) all go through {@link io.switchboard.plugins.Plugins}.
 */
@Export
@Version("1.1.0")
package io.switchboard.plugins;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
