package io.switchboard.plugins;

import java.time.Instant;

/**
 * One published version of a plugin in the catalog.
 *
 * @param signer  the subject of the certificate it was signed with; null when published unsigned
 *                (only where the operator allows unsigned plugins)
 * @param sha256  of the KAR as published, hex
 */
public record CatalogEntry(PluginDescriptor plugin, String signer, String sha256, long size, Instant publishedAt) {
}
