package io.switchboard.bus;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * Consuming a bus address in batches: the {@code bus-batch} endpoint of every bundle's routes
 * ({@code bus-batch:<address>?size=50&consumers=4}). Its consumer takes up to {@code size} messages that
 * are ready, in one broker transaction, and hands them to the route as one exchange whose body is a
 * list of {@link Delivery}; the route handles them (in one database transaction, say) and names what
 * they produce with {@link #send} and {@link #publish}. Once the route returns, those messages are sent
 * on the same transacted session and the batch is committed with them: one commit, and a message's
 * consumption and what it produced are durable together or not at all.
 *
 * <p>A batch that fails is rolled back and its messages are taken again one at a time, so that one
 * message that cannot be handled (a poison message) fails alone: after three attempts it goes to
 * {@code DLQ.<address>} with the reason, as {@link DeadLetters} puts it, and the rest are handled. The
 * broker keeps a conversation's messages with one consumer (message groups), so a batch holds a
 * conversation's messages in their order.
 */
public final class BusBatch {

    /** The exchange property holding what the batch sends when it commits. */
    public static final String OUTBOX = "sbBatchOutbox";

    /** A message of the batch: its text and its properties (our own, the group, the delivery count). */
    public record Delivery(String body, Map<String, Object> properties) {
    }

    /** What a batch sends when it commits. */
    public record Outgoing(String address, boolean multicast, String body, Map<String, Object> properties) {
    }

    private BusBatch() {
    }

    /** The batch in the exchange a {@code bus-batch} consumer made. */
    @SuppressWarnings("unchecked")
    public static List<Delivery> deliveries(Exchange exchange) {
        return exchange.getMessage().getBody(List.class);
    }

    /** Sends {@code body} to the anycast {@code address} when the batch commits. */
    public static void send(Exchange exchange, String address, String body, Map<String, Object> properties) {
        outbox(exchange).add(new Outgoing(address, false, body, properties));
    }

    /** Publishes {@code body} to the multicast {@code address} when the batch commits. */
    public static void publish(Exchange exchange, String address, String body, Map<String, Object> properties) {
        outbox(exchange).add(new Outgoing(address, true, body, properties));
    }

    /** What the route named so far, in order. */
    @SuppressWarnings("unchecked")
    public static List<Outgoing> outbox(Exchange exchange) {
        List<Outgoing> outbox = exchange.getProperty(OUTBOX, List.class);
        if (outbox == null) {
            outbox = new ArrayList<>();
            exchange.setProperty(OUTBOX, outbox);
        }
        return outbox;
    }
}
