package io.switchboard.api;

import java.util.List;

/**
 * Decides which queued conversations go to which agents. The platform's default routes by skills,
 * customer tier, capacity per channel, presence and longest idle time, and overflows to remote,
 * home and field agents after a wait. A plugin replaces it by registering its own RoutingStrategy
 * service with a higher {@code service.ranking}.
 *
 * <p>The router calls it with a consistent snapshot and applies the answer with a compare-and-set
 * per conversation, so a strategy is a pure function: no I/O, no state between calls. Conversations
 * it leaves out stay queued for the next round.
 */
@FunctionalInterface
public interface RoutingStrategy {

    List<Assignment> route(RoutingRequest request);
}
