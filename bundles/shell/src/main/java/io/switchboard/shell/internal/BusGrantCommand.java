package io.switchboard.shell.internal;

import io.switchboard.bus.BusGrants;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * For a plugin installed by hand: the plugins bundle grants what a KAR's descriptor declares by itself.
 * Karaf reads options before arguments: {@code switchboard:bus-grant --reads a,b --writes c <plugin>}.
 */
@Command(scope = "switchboard", name = "bus-grant", description = "Lets a plugin read and write these bus addresses (replaces its earlier grant)")
@Service
public class BusGrantCommand implements Action {

    // optional: a missing service would hold back every switchboard: command, status included
    @Reference(optional = true)
    BusGrants busGrants;

    @Argument(index = 0, name = "plugin", description = "The plugin id (its bundles' Switchboard-Plugin header)", required = true)
    String plugin;

    @Option(name = "--reads", description = "Addresses it consumes, comma separated")
    String reads = "";

    @Option(name = "--writes", description = "Addresses it sends to, comma separated")
    String writes = "";

    @Override
    public Object execute() {
        if (busGrants == null) {
            System.out.println("bus grants are not available: the bus bundle waits for the broker's management");
            return null;
        }
        busGrants.grant(plugin, addresses(reads), addresses(writes));
        BusGrants.Grant grant = busGrants.grants().get(plugin);
        System.out.printf("%s may read %s and write %s as %s%n", plugin, grant.reads(), grant.writes(), BusGrants.userOf(plugin));
        return null;
    }

    static Set<String> addresses(String list) {
        return Arrays.stream(list.split(",")).map(String::strip).filter(a -> !a.isEmpty())
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }
}
