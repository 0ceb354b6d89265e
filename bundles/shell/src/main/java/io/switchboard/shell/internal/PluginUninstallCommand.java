package io.switchboard.shell.internal;

import io.switchboard.plugins.Plugins;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "switchboard", name = "plugin-uninstall", description = "Drains and uninstalls a plugin and takes its bus grant away (its configuration files stay)")
@Service
public class PluginUninstallCommand implements Action {

    @Reference
    Plugins plugins;

    @Argument(index = 0, name = "id", required = true)
    String id;

    @Override
    public Object execute() {
        plugins.uninstall(id);
        System.out.println("uninstalled " + id);
        return null;
    }
}
