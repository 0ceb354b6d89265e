package io.switchboard.routefiles.internal;

import java.nio.file.Path;
import java.util.Map;
import org.apache.camel.RoutesBuilder;

/** What {@link io.switchboard.routefiles.RouteFileRoutes} hands out: the deployer's own {@link FileRoutes}. */
public final class FileRoutesFactory {

    private FileRoutesFactory() {
    }

    public static RoutesBuilder routes(String name, byte[] content, Path kameletDirectory, Map<String, Object> beans) {
        return new FileRoutes(name, RouteFileDsl.require(name, content), content, kameletDirectory, beans);
    }
}
