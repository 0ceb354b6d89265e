package io.switchboard.channel.webchat.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.Message;
import io.switchboard.bus.DeadLetters;
import io.switchboard.store.Store;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * Out: agents' replies from {@code sb.outbound.webchat} into the delivery table, then to the
 * visitor's open streams. (In: the widget's messages go to {@code sb.inbound} by {@code Bus.inbound}.)
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

    @Override
    public void configure() {
        from("bus:queue:" + OUTBOUND + "?transacted=true&asyncStartListener=true")
                .routeId("webchat-outbound")
                .errorHandler(DeadLetters.forAddress(OUTBOUND))
                .process(this::deliver);
    }

    private void deliver(Exchange exchange) throws Exception {
        String body = exchange.getMessage().getMandatoryBody(String.class);
        Message message = json.fromJson(body, Message.class);
        if (!Visitors.CHANNEL.equals(message.address().channel())) {
            throw new IllegalArgumentException("not a web-chat address: " + message.address());
        }
        String visitorId = message.address().address();
        store.inTransaction(s -> Deliveries.record(s, visitorId, message.id(), json.toJson(message)));
        streams.delivered(visitorId);
    }
}
