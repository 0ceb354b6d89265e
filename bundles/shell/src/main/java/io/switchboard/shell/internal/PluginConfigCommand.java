package io.switchboard.shell.internal;

import io.switchboard.plugins.Plugins;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "switchboard", name = "plugin-config", description = "Shows or sets a plugin'\''s configuration (a PID its descriptor names): key=value ...")
@Service
public class PluginConfigCommand implements Action {

    @Reference
    Plugins plugins;

    @Argument(index = 0, name = "id", required = true)
    String id;

    @Argument(index = 1, name = "pid", required = true)
    String pid;

    @Argument(index = 2, name = "values", description = "key=value pairs to set", multiValued = true)
    List<String> values;

    @Override
    public Object execute() {
        Map<String, String> current;
        if (values == null || values.isEmpty()) {
            current = plugins.configuration(id, pid);
        } else {
            Map<String, String> set = new LinkedHashMap<>();
            for (String kv : values) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("not key=value: " + kv);
                }
                set.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            current = plugins.configure(id, pid, set);
        }
        current.forEach((k, v) -> System.out.println(k + " = " + v));
        return null;
    }
}
