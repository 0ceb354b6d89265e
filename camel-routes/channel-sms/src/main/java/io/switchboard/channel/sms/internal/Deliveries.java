package io.switchboard.channel.sms.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.DomainEvent;
import io.switchboard.bus.Bus;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code message.delivery} events on {@code sb.events}: an SMS we sent was taken by the SMSC
 * (SUBMITTED), reached the phone (DELIVERED) or will not (FAILED, with the receipt's stat). The id
 * is the message and the status, so a repeat after a crash is dropped by the broker.
 */
final class Deliveries {

    static final String EVENT = "message.delivery";

    private final Bus bus;
    private final CanonicalJson json;

    Deliveries(Bus bus, CanonicalJson json) {
        this.bus = bus;
        this.json = json;
    }

    void publish(Outbox.StatusChange change) {
        Map<String, String> data = new TreeMap<>();
        data.put("messageId", change.messageId());
        data.put("channel", SmsChannel.CHANNEL);
        data.put("address", change.address());
        data.put("status", change.status());
        if (change.detail() != null) {
            data.put("detail", change.detail());
        }
        DomainEvent event = new DomainEvent("delivery:" + change.messageId() + ":" + change.status(), EVENT,
                Instant.now(), change.conversationId(), null, data);
        bus.publish(BusAddress.EVENTS, json.toJson(event), event.busProperties());
    }
}
