package io.switchboard.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a business system reports on {@link BusAddress#BUSINESS_EVENTS}: a flight cancelled, a parcel
 * delayed, a bill overdue. {@code type} names it ({@code flight.cancelled}); {@code data} carries its
 * facts ({@code flight}, {@code date}, {@code options}); {@code affected} names the customers it
 * concerns, each as {@code customer:<id>} or as one of their addresses ({@code sms:+8613800138000},
 * {@code email:li@example.com}). {@code id} is the system's own id of the event: the bus drops a
 * repeat, and proactive rules act on each id once.
 */
public record BusinessEvent(String id, String type, String source, Instant time, Map<String, String> data,
                            List<String> affected) {

    public BusinessEvent {
        ChannelAddress.requireText(id, "id");
        ChannelAddress.requireText(type, "type");
        Objects.requireNonNull(time, "time is required");
        data = data == null ? Map.of() : Map.copyOf(data);
        affected = affected == null ? List.of() : List.copyOf(affected);
    }
}
