package io.switchboard.channel.webchat.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.Message;
import io.switchboard.bus.BusBatch;
import io.switchboard.store.Store;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * Out: agents' and the bot's replies from {@code sb.outbound.webchat}, in batches, into the delivery
 * table, then to the visitors' open streams. (In: the widget's messages go to {@code sb.inbound} by {@code Bus.inbound}.)
 */
final class WebchatRoutes extends RouteBuilder {

    static final String OUTBOUND = BusAddress.outbound(Visitors.CHANNEL);

    private final Store store;
    private final Streams streams;
    private final CanonicalJson json;

    WebchatRoutes(Store store, Streams streams, CanonicalJson json) {
        this.store = store;
        this.streams = streams;
        this.json = json;
    }

    /** Replies recorded in one transaction at most. */
    static final int BATCH = 50;

    @Override
    public void configure() {
        // in batches (BusBatch): one transaction records what is ready; a reply that cannot be is dead-lettered alone
        from("bus-batch:" + OUTBOUND + "?size=" + BATCH + "&consumers=2")
                .routeId("webchat-outbound")
                .errorHandler(noErrorHandler())
                .process(this::deliver);
    }

    private void deliver(Exchange exchange) {
        List<Message> replies = new ArrayList<>();
        for (BusBatch.Delivery delivery : BusBatch.deliveries(exchange)) {
            Message message = json.fromJson(delivery.body(), Message.class);
            if (!Visitors.CHANNEL.equals(message.address().channel())) {
                throw new IllegalArgumentException("not a web-chat address: " + message.address());
            }
            replies.add(message);
        }
        store.inTransaction(s -> {
            for (Message message : replies) {
                Deliveries.record(s, message.address().address(), message.id(), json.toJson(message));
            }
            return null;
        });
        for (Message message : replies) {
            streams.delivered(message.address().address());
        }
    }
}
