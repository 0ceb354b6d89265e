package io.switchboard.routefiles;

import java.time.Instant;
import java.util.List;

/**
 * One integrator's route file and what became of it.
 *
 * @param name   the file name in {@code deploy/}, which is also the name of its CamelContext
 * @param dsl    {@code yaml} or {@code xml}
 * @param state  whether its routes run
 * @param error  why it is not running (null while it runs)
 * @param since  when it reached this state (the last install or change of the file)
 * @param routes the ids of its routes while it runs
 */
public record RouteFile(String name, String dsl, State state, String error, Instant since, List<String> routes) {

    public enum State { RUNNING, FAILED }
}
