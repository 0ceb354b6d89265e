package io.switchboard.routefiles;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/** The route files found in {@code deploy/}, registered as an OSGi service by the deployer. */
@ProviderType
public interface RouteFiles {

    /** Every route file the deployer took, running or failed, by file name. */
    List<RouteFile> files();

    /**
     * Checks a route file against what this server has, without deploying it: the DSL, every
     * endpoint's component (all missing ones at once, each with the feature that brings it), then
     * the routes as they would be built (options, languages, data formats, Kamelets).
     *
     * @param name    the file name it would have in {@code deploy/} (its extension chooses the DSL)
     * @param content the file, UTF-8
     * @throws IllegalArgumentException when {@code name} and {@code content} are not a route file
     */
    RouteFileCheck check(String name, byte[] content);

    /** What route files can use on this server now. */
    Toolbox toolbox();
}
