package io.switchboard.shell.internal;

import io.switchboard.plugins.Plugins;
import io.switchboard.plugins.Installation;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "switchboard", name = "plugin-install", description = "Installs a plugin from the catalog (verified against etc/plugin-trust/)")
@Service
public class PluginInstallCommand implements Action {

    @Reference
    Plugins plugins;

    @Argument(index = 0, name = "id", required = true)
    String id;

    @Argument(index = 1, name = "version", description = "Default: the newest published")
    String version;

    @Override
    public Object execute() {
        Installation i = plugins.install(id, version);
        System.out.println("installed " + i.id() + " " + i.version() + ": " + String.join(", ", i.bundles()));
        return null;
    }
}
