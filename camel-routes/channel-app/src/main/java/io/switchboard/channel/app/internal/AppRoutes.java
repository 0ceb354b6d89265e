package io.switchboard.channel.app.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.ContentPart;
import io.switchboard.api.Message;
import io.switchboard.bus.DeadLetters;
import io.switchboard.store.Store;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * Out: agents' replies from {@code sb.outbound.app}, numbered into the delivery table (the offline
 * queue) within the bus transaction, then pushed to the user's open lines.
 */
final class AppRoutes extends RouteBuilder {

    static final String OUTBOUND = BusAddress.outbound(Lines.CHANNEL);

    private final Store store;
    private final Lines lines;
    private final CanonicalJson json;

    AppRoutes(Store store, Lines lines, CanonicalJson json) {
        this.store = store;
        this.lines = lines;
        this.json = json;
    }

    @Override
    public void configure() {
        from("bus:queue:" + OUTBOUND + "?transacted=true&asyncStartListener=true")
                .routeId("app-outbound")
                .errorHandler(DeadLetters.forAddress(OUTBOUND))
                .process(this::deliver);
    }

    private void deliver(Exchange exchange) throws Exception {
        Message message = json.fromJson(exchange.getMessage().getMandatoryBody(String.class), Message.class);
        if (!Lines.CHANNEL.equals(message.address().channel()) || !message.address().address()
                .matches(DeviceTokens.APP_ID + "/" + DeviceTokens.USER_ID)) {
            throw new IllegalArgumentException("not an app address (app:<appId>/<userId>): " + message.address());
        }
        String address = message.address().address();
        String text = text(message);
        long seq = store.inTransaction(s -> Deliveries.record(s, address, message.id(),
                n -> json.toJson(Frames.ToDevice.message(n, message.id(), message.time() == null ? null : message.time().toString(),
                        message.agentId(), text))));
        if (seq > 0) {
            lines.delivered(address);
        }
    }

    /** Text parts as they are; other parts as a line the app can show until it renders them itself. */
    static String text(Message message) {
        StringBuilder sb = new StringBuilder();
        for (ContentPart p : message.parts()) {
            String line = switch (p.kind()) {
                case TEXT -> p.text();
                case IMAGE, FILE -> p.url() != null ? p.url() : p.name();
                default -> p.text();
            };
            if (line != null && !line.isEmpty()) {
                if (sb.length() > 0) {
                    sb.append('\n');
                }
                sb.append(line);
            }
        }
        return sb.toString();
    }
}
