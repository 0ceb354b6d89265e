package io.switchboard.shell.internal;

import io.switchboard.plugins.Plugins;
import io.switchboard.plugins.UpgradeReport;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "switchboard", name = "plugin-upgrade", description = "Upgrades an installed plugin: the old version is drained and stopped, then the new one started")
@Service
public class PluginUpgradeCommand implements Action {

    @Reference
    Plugins plugins;

    @Argument(index = 0, name = "id", required = true)
    String id;

    @Argument(index = 1, name = "version", description = "Default: the newest published")
    String version;

    @Option(name = "--approve-signer", description = "The new version's signer, when it is not the installed version's (as the refusal names it)")
    String approvedSigner;

    @Override
    public Object execute() {
        UpgradeReport r = plugins.upgrade(id, version, approvedSigner);
        System.out.println(r.id() + " " + r.from() + " -> " + r.to() + ": drained in " + r.drainMillis() + " ms, messages waited "
                + r.pauseMillis() + " ms");
        return null;
    }
}
