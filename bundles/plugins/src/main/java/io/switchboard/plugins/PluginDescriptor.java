package io.switchboard.plugins;

import java.util.List;
import java.util.Map;

/**
 * What a plugin says about itself ({@code META-INF/switchboard-plugin.json} in its KAR).
 *
 * @param requires    the platform API packages it imports, each with the OSGi version range it needs
 * @param reads       bus addresses it consumes; the broker lets it read nothing else
 * @param writes      bus addresses it sends to; the broker lets it write nothing else
 * @param hosts       outside hosts it calls ({@code host:port}), shown to the operator before install
 * @param configurations the Config Admin PIDs it owns, kept with each installed version for a rollback
 */
public record PluginDescriptor(String id, String name, String vendor, String version, String licence, String price,
                               String description, String feature, String featuresRepository,
                               Map<String, String> requires, List<String> reads, List<String> writes,
                               List<String> hosts, List<String> configurations) {
}
