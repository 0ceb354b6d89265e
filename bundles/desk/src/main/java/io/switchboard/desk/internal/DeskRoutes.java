package io.switchboard.desk.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.DomainEvent;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sb.events} to the agents' open streams. A non-durable subscription is enough: a desk that
 * was not connected reloads what it shows when it connects, so nothing waits for it on the bus.
 */
final class DeskRoutes extends RouteBuilder {

    static final String ROUTE_ID = "desk-events";

    private static final Logger LOG = LoggerFactory.getLogger(DeskRoutes.class);

    private final CanonicalJson json;
    private final AgentStreams streams;

    DeskRoutes(CanonicalJson json, AgentStreams streams) {
        this.json = json;
        this.streams = streams;
    }

    @Override
    public void configure() {
        from("bus:topic:" + BusAddress.EVENTS + "?asyncStartListener=true")
                .routeId(ROUTE_ID)
                .process(this::heard);
    }

    void heard(Exchange exchange) {
        String body = exchange.getMessage().getBody(String.class);
        if (body == null || streams.openStreams() == 0) {
            return;
        }
        DomainEvent event;
        try {
            event = json.fromJson(body, DomainEvent.class);
        } catch (RuntimeException e) {
            LOG.debug("not a domain event on {}: {}", BusAddress.EVENTS, e.getMessage());
            return;
        }
        // bound again, so what a browser parses is always one canonical line
        String agent = event.type().startsWith("call.") && event.data() != null ? event.data().get("agentId") : null;
        streams.publish(event.type(), json.toJson(event), agent == null || agent.isBlank() ? null : agent);
    }
}
