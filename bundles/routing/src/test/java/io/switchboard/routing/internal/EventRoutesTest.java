package io.switchboard.routing.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.api.CanonicalJson;
import io.switchboard.api.DomainEvent;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class EventRoutesTest {

    final CanonicalJson json = new CanonicalJson();
    final AtomicInteger nudges = new AtomicInteger();
    final EventRoutes routes = new EventRoutes(json, nudges::incrementAndGet);

    int nudgesFor(String body) {
        int before = nudges.get();
        DefaultExchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setBody(body);
        routes.heard(exchange);
        return nudges.get() - before;
    }

    String event(String type, Map<String, String> data) {
        return json.toJson(new DomainEvent(type + ":1", type, Instant.now(), "c1", "cust-1", data));
    }

    @Test
    void whatMayFreeOrFillTheQueueStartsARound() {
        for (String type : new String[] {DomainEvent.CONVERSATION_QUEUED, DomainEvent.AGENT_PRESENCE,
                DomainEvent.CONVERSATION_CLOSED, DomainEvent.CONVERSATION_TRANSFERRED}) {
            assertEquals(1, nudgesFor(event(type, Map.of())), type);
        }
    }

    @Test
    void openingOrReopeningOnlyWhenStraightToTheQueue() {
        assertEquals(1, nudgesFor(event(DomainEvent.CONVERSATION_OPENED, Map.of("state", "QUEUED"))));
        assertEquals(0, nudgesFor(event(DomainEvent.CONVERSATION_OPENED, Map.of("state", "BOT"))));
        assertEquals(1, nudgesFor(event(DomainEvent.CONVERSATION_REOPENED, Map.of("state", "QUEUED"))));
        assertEquals(0, nudgesFor(event(DomainEvent.CONVERSATION_REOPENED, Map.of("state", "BOT"))));
    }

    @Test
    void everythingElseIsIgnored() {
        assertEquals(0, nudgesFor(event(DomainEvent.MESSAGE_RECEIVED, Map.of("messageId", "m1"))));
        assertEquals(0, nudgesFor(event(DomainEvent.CONVERSATION_ASSIGNED, Map.of("agentId", "alice"))),
                "routing's own assignments must not start another round each");
        assertEquals(0, nudgesFor("not json"));
        assertEquals(0, nudgesFor("{\"id\":\"x\"}"));
    }
}
