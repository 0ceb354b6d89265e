package io.switchboard.routefiles;

import io.switchboard.routefiles.internal.FileRoutesFactory;
import java.nio.file.Path;
import java.util.Map;
import org.apache.camel.RoutesBuilder;

/**
 * A route file's routes as the server runs them, for a context of one's own: the test kit's
 * harness runs an integrator's file in a plain JUnit test with them, so the file is tested with
 * the guarantees it gets in {@code deploy/} (a bus consumer transacted and dead-lettering like the
 * platform's, the same DSL detection, Kamelets from a directory and the upstream catalogue, beans
 * by name).
 */
public final class RouteFileRoutes {

    private RouteFileRoutes() {
    }

    /**
     * @param name             the file's name (its extension and content choose the DSL, as in {@code deploy/})
     * @param content          the file, UTF-8
     * @param kameletDirectory where the file's own {@code *.kamelet.yaml} are, or null
     * @param beans            what the routes name ({@code jdbc:crm}, {@code #crm}), by name
     * @throws IllegalArgumentException when the file is not a route file
     */
    public static RoutesBuilder of(String name, byte[] content, Path kameletDirectory, Map<String, Object> beans) {
        return FileRoutesFactory.routes(name, content, kameletDirectory, beans);
    }
}
