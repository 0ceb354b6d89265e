package io.switchboard.shell.internal;

import io.switchboard.routefiles.RouteFileCheck;
import io.switchboard.routefiles.RouteFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;

@Command(scope = "switchboard", name = "route-validate",
        description = "Checks a Camel route file against this server before it goes into deploy/: missing components with the feature to install, misspelt options, missing languages, data formats and Kamelets. Nothing of it runs")
@Service
public class RouteValidateCommand implements Action {

    @Reference
    RouteFiles routeFiles;

    @Argument(index = 0, name = "file", required = true, description = "The route file, a path on the server (relative to the Karaf home)")
    @Completion(FileCompleter.class)
    String file;

    @Override
    public Object execute() throws IOException {
        Path path = Path.of(file);
        if (!Files.isRegularFile(path)) {
            System.err.println("No file " + path.toAbsolutePath());
            return null;
        }
        RouteFileCheck check;
        try {
            check = routeFiles.check(path.getFileName().toString(), Files.readAllBytes(path));
        } catch (IllegalArgumentException notARouteFile) {
            System.err.println(notARouteFile.getMessage());
            return null;
        }
        System.out.println(check.name() + " (" + check.dsl() + "): " + (check.valid() ? "VALID" : "INVALID"));
        for (RouteFileCheck.Problem p : check.problems()) {
            System.out.println("  " + p.message());
        }
        return null;
    }
}
