package io.switchboard.routefiles;

import java.util.List;

/**
 * What checking a route file before it is deployed found: the file is read and its routes are
 * built in a context of their own that never starts a route, then thrown away.
 *
 * @param name     the file name it was checked under
 * @param dsl      {@code yaml} or {@code xml}
 * @param valid    whether it would start as it is, on this server
 * @param problems why not, each with the feature that would mend it where one would
 */
public record RouteFileCheck(String name, String dsl, boolean valid, List<Problem> problems) {

    /**
     * @param message Camel's own reason (it names the route, the step and the endpoint or option)
     * @param feature the Karaf feature that brings what is missing ({@code switchboard-camel-http}),
     *                or null when installing something would not help
     */
    public record Problem(String message, String feature) {
    }
}
