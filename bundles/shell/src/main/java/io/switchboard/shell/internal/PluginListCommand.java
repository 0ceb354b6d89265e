package io.switchboard.shell.internal;

import io.switchboard.plugins.Plugins;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "switchboard", name = "plugin-list", description = "Lists the plugins installed on this server, their versions and bundles")
@Service
public class PluginListCommand implements Action {

    @Reference
    Plugins plugins;

    @Override
    public Object execute() {
        System.out.printf("%-24s %-12s %-12s %s%n", "id", "version", "previous", "bundles");
        plugins.installed().forEach(i -> System.out.printf("%-24s %-12s %-12s %s%n", i.id(), i.version(),
                i.previousVersion() == null ? "-" : i.previousVersion(), String.join(", ", i.bundles())));
        return null;
    }
}
