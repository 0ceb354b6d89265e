package io.switchboard.plugins;

import java.time.Instant;
import java.util.List;

/**
 * A plugin installed on this server.
 *
 * @param previousVersion what a rollback returns to; null after a first install or a rollback
 * @param bundles         the plugin's bundles as the framework has them: {@code symbolic-name/version state}
 */
public record Installation(String id, String version, String previousVersion, String feature, String signer,
                           Instant installedAt, List<String> bundles) {
}
