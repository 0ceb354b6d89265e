package io.switchboard.shell.internal;

import io.switchboard.bus.BusGrants;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "switchboard", name = "bus-revoke", description = "Takes every bus address away from a plugin and removes its broker user")
@Service
public class BusRevokeCommand implements Action {

    // optional: a missing service would hold back every switchboard: command, status included
    @Reference(optional = true)
    BusGrants busGrants;

    @Argument(index = 0, name = "plugin", description = "The plugin id", required = true)
    String plugin;

    @Override
    public Object execute() {
        if (busGrants == null) {
            System.out.println("bus grants are not available: the bus bundle waits for the broker's management");
            return null;
        }
        boolean had = busGrants.grants().containsKey(plugin);
        busGrants.revoke(plugin);
        System.out.println(had ? "revoked the bus grant of " + plugin : plugin + " had no bus grant");
        return null;
    }
}
