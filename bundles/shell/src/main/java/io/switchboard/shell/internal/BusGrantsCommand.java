package io.switchboard.shell.internal;

import io.switchboard.bus.BusGrants;
import java.util.Map;
import java.util.TreeSet;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "switchboard", name = "bus-grants", description = "Lists which bus addresses each plugin may read and write")
@Service
public class BusGrantsCommand implements Action {

    // optional: a missing service would hold back every switchboard: command, status included
    @Reference(optional = true)
    BusGrants busGrants;

    @Override
    public Object execute() {
        if (busGrants == null) {
            System.out.println("bus grants are not available: the bus bundle waits for the broker's management");
            return null;
        }
        Map<String, BusGrants.Grant> grants = busGrants.grants();
        if (grants.isEmpty()) {
            System.out.println("no plugin has a bus grant");
            return null;
        }
        System.out.printf("%-24s %-24s %-40s %s%n", "plugin", "broker user", "reads", "writes");
        grants.forEach((plugin, grant) -> System.out.printf("%-24s %-24s %-40s %s%n", plugin, BusGrants.userOf(plugin),
                String.join(",", new TreeSet<>(grant.reads())), String.join(",", new TreeSet<>(grant.writes()))));
        return null;
    }
}
