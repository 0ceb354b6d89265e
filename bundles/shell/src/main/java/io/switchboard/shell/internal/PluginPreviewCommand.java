package io.switchboard.shell.internal;

import io.switchboard.plugins.Plugins;
import io.switchboard.plugins.Preview;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "switchboard", name = "plugin-preview", description = "Shows what installing or upgrading to a plugin version would install, uninstall and refresh, and any reason it cannot be")
@Service
public class PluginPreviewCommand implements Action {

    @Reference
    Plugins plugins;

    @Argument(index = 0, name = "id", required = true)
    String id;

    @Argument(index = 1, name = "version", description = "Default: the newest published")
    String version;

    @Override
    public Object execute() {
        Preview p = plugins.preview(id, version);
        System.out.println(p.plugin().id() + " " + p.plugin().version() + " (" + p.plugin().name() + ", " + p.plugin().vendor()
                + ", licence " + p.plugin().licence() + ", price " + p.plugin().price() + ")");
        System.out.println("signed by:  " + (p.signer() == null ? "NOBODY (unsigned plugins are allowed here)" : p.signer()));
        System.out.println("installed:  " + (p.installedVersion() == null ? "-" : p.installedVersion()));
        System.out.println("requires:   " + p.plugin().requires());
        System.out.println("bus reads:  " + p.plugin().reads());
        System.out.println("bus writes: " + p.plugin().writes());
        System.out.println("calls:      " + p.plugin().hosts());
        System.out.println("would install:   " + (p.install().isEmpty() ? "nothing new" : ""));
        p.install().forEach(l -> System.out.println("  " + l));
        System.out.println("would uninstall: " + (p.uninstall().isEmpty() ? "nothing" : ""));
        p.uninstall().forEach(l -> System.out.println("  " + l));
        System.out.println("would refresh:   " + (p.refresh().isEmpty() ? "nothing (plugins never refresh other bundles)" : p.refresh()));
        if (!p.problems().isEmpty()) {
            System.out.println("CANNOT BE INSTALLED:");
            p.problems().forEach(l -> System.out.println("  " + l));
        }
        return null;
    }
}
