package io.switchboard.routefiles;

import java.util.List;

/** The route files found in {@code deploy/}, registered as an OSGi service by the deployer. */
public interface RouteFiles {

    /** Every route file the deployer took, running or failed, by file name. */
    List<RouteFile> files();
}
