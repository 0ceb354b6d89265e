package io.switchboard.shell.internal;

import io.switchboard.plugins.Plugins;
import io.switchboard.plugins.UpgradeReport;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "switchboard", name = "plugin-rollback", description = "Goes back to the plugin version installed before the last upgrade, with its configuration")
@Service
public class PluginRollbackCommand implements Action {

    @Reference
    Plugins plugins;

    @Argument(index = 0, name = "id", required = true)
    String id;

    @Override
    public Object execute() {
        UpgradeReport r = plugins.rollback(id);
        System.out.println(r.id() + " " + r.from() + " -> " + r.to() + ": drained in " + r.drainMillis() + " ms, messages waited "
                + r.pauseMillis() + " ms");
        return null;
    }
}
