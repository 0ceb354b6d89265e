package io.switchboard.shell.internal;

import io.switchboard.plugins.Plugins;
import io.switchboard.plugins.CatalogEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "switchboard", name = "plugin-publish", description = "Publishes a signed plugin KAR file to this server'\''s catalog")
@Service
public class PluginPublishCommand implements Action {

    @Reference
    Plugins plugins;

    @Argument(index = 0, name = "kar", description = "Path of the .kar file", required = true)
    String kar;

    @Override
    public Object execute() throws java.io.IOException {
        CatalogEntry e = plugins.publish(Files.readAllBytes(Path.of(kar)));
        System.out.println("published " + e.plugin().id() + " " + e.plugin().version() + " signed by "
                + (e.signer() == null ? "NOBODY" : e.signer()) + " sha256 " + e.sha256());
        return null;
    }
}
