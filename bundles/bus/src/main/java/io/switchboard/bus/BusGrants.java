package io.switchboard.bus;

import java.util.Map;
import java.util.Set;

/**
 * Which bus addresses each plugin may use. A plugin bundle (manifest header {@value #PLUGIN_HEADER})
 * connects to the broker as its own user, {@code plugin.<id>}, and the broker lets that user consume
 * only the addresses it reads (and send its dead letters to {@code DLQ.<address>}) and send only to the
 * addresses it writes; everything else is refused by the broker itself. Grants are kept across restarts.
 *
 * <p>Registered when the bus bundle activates; a change asked for while the broker is still starting is
 * refused with an {@link IllegalStateException}.
 */
public interface BusGrants {

    /** The manifest header naming the plugin a bundle belongs to. */
    String PLUGIN_HEADER = "Switchboard-Plugin";

    /**
     * Lets {@code plugin} read and write these addresses, replacing whatever it was granted before, and
     * creates its broker user if it has none. Addresses are exact names: wildcards are refused.
     *
     * @param plugin the plugin id, {@code [a-z0-9][a-z0-9-]{1,62}}
     * @throws IllegalArgumentException for a malformed id or address
     * @throws IllegalStateException when the broker (still starting) or Config Admin did not take the change
     */
    void grant(String plugin, Set<String> reads, Set<String> writes);

    /** Takes every address away from {@code plugin} and removes its broker user; nothing if it had none. */
    void revoke(String plugin);

    /** Every plugin's current grant, by plugin id. */
    Map<String, Grant> grants();

    /** What one plugin may use. */
    record Grant(Set<String> reads, Set<String> writes) {
        public Grant {
            reads = Set.copyOf(reads);
            writes = Set.copyOf(writes);
        }
    }

    /** The broker user (and role) of a plugin. */
    static String userOf(String plugin) {
        return "plugin." + plugin;
    }
}
