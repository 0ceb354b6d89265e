package io.switchboard.shell.internal;

import io.switchboard.plugins.Plugins;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "switchboard", name = "plugin-catalog", description = "Lists the plugins published to this server's catalog")
@Service
public class PluginCatalogCommand implements Action {

    @Reference
    Plugins plugins;

    @Override
    public Object execute() {
        System.out.printf("%-24s %-12s %-28s %-16s %-12s %s%n", "id", "version", "name", "vendor", "price", "signer");
        plugins.catalog().forEach(e -> System.out.printf("%-24s %-12s %-28s %-16s %-12s %s%n", e.plugin().id(), e.plugin().version(),
                e.plugin().name(), e.plugin().vendor(), e.plugin().price(), e.signer() == null ? "UNSIGNED" : e.signer()));
        return null;
    }
}
