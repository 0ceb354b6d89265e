package io.switchboard.conversation.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.Conversation;
import io.switchboard.api.DomainEvent;
import io.switchboard.api.Ids;
import io.switchboard.api.TimelineEntry;
import io.switchboard.bus.Bus;
import io.switchboard.bus.BusBatch;
import io.switchboard.store.StoreSession;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * What one transaction did to conversations: each step goes on the customer's timeline inside the
 * transaction, and its domain event is published once the transaction has committed (an event
 * about something the database then rolled back would mislead every subscriber).
 */
final class Steps {

    private final List<DomainEvent> events = new ArrayList<>();

    /** Records a step of {@code c} on the timeline and keeps its event for {@link #publish}. */
    void step(StoreSession s, Conversation c, String type, Instant at, String agentId, String summary,
              Map<String, String> data) throws SQLException {
        String id = type + ":" + Ids.newId();
        s.timeline().record(new TimelineEntry(id, c.customerId(), c.id(), at, TimelineEntry.Kind.CONVERSATION,
                c.address().channel(), null, agentId, summary, data));
        event(new DomainEvent(id, type, at, c.id(), c.customerId(), data));
    }

    void event(DomainEvent event) {
        events.add(event);
    }

    void publish(Bus bus, CanonicalJson json) {
        for (DomainEvent event : events) {
            bus.publish(BusAddress.EVENTS, json.toJson(event), event.busProperties());
        }
    }

    /** Publishes the events when the batch of {@code exchange} commits ({@link BusBatch}). */
    void publish(Exchange exchange, CanonicalJson json) {
        for (DomainEvent event : events) {
            BusBatch.publish(exchange, BusAddress.EVENTS, json.toJson(event), event.busProperties());
        }
    }
}
