package io.switchboard.routing.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.ConversationState;
import io.switchboard.api.DomainEvent;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on {@code sb.events} for what changes the queue or the agents' room and starts a routing
 * round at once instead of at the next tick. A non-durable subscription is enough: a missed event
 * only delays routing until the next tick.
 */
final class EventRoutes extends RouteBuilder {

    static final String ROUTE_ID = "routing-events";

    /** Events that may let a waiting conversation go to an agent now. */
    static final Set<String> NUDGING = Set.of(DomainEvent.CONVERSATION_QUEUED, DomainEvent.AGENT_PRESENCE,
            DomainEvent.CONVERSATION_CLOSED, DomainEvent.CONVERSATION_TRANSFERRED);
    /** These only when the conversation went straight to the queue (the bot is off). */
    static final Set<String> NUDGING_IF_QUEUED = Set.of(DomainEvent.CONVERSATION_OPENED, DomainEvent.CONVERSATION_REOPENED);

    private static final Logger LOG = LoggerFactory.getLogger(EventRoutes.class);

    private final CanonicalJson json;
    private final Runnable nudge;

    EventRoutes(CanonicalJson json, Runnable nudge) {
        this.json = json;
        this.nudge = nudge;
    }

    @Override
    public void configure() {
        // only the kinds that start a round: the broker keeps every message.received from this listener
        from("bus:topic:" + BusAddress.EVENTS + "?asyncStartListener=true&messageSelector=RAW(" + selector() + ")")
                .routeId(ROUTE_ID)
                .process(this::heard);
    }

    /** {@code sbEventType IN (…)}: the types in {@link #NUDGING} and {@link #NUDGING_IF_QUEUED}. */
    static String selector() {
        return BusAddress.EVENT_TYPE + " IN (" + java.util.stream.Stream.concat(NUDGING.stream(), NUDGING_IF_QUEUED.stream())
                .sorted().map(type -> "'" + type + "'").collect(java.util.stream.Collectors.joining(", ")) + ")";
    }

    void heard(Exchange exchange) {
        String body = exchange.getMessage().getBody(String.class);
        if (body == null) {
            return;
        }
        DomainEvent event;
        try {
            event = json.fromJson(body, DomainEvent.class);
        } catch (RuntimeException e) {
            // not ours to judge; a round comes at the next tick anyway
            LOG.debug("not a domain event on {}: {}", BusAddress.EVENTS, e.getMessage());
            return;
        }
        if (NUDGING.contains(event.type()) || (NUDGING_IF_QUEUED.contains(event.type())
                && ConversationState.QUEUED.name().equals(event.data().get("state")))) {
            nudge.run();
        }
    }
}
