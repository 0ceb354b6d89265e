package ${package}.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.Message;
import io.switchboard.bus.DeadLetters;
import org.apache.camel.builder.RouteBuilder;

/**
 * Out: agents' replies from
 * {@code sb.outbound.${channel}} to the outside world's HTTP API (or the log while none is
 * configured); what cannot be sent is dead-lettered. Installed, the broker does that after its
 * redeliveries (a plugin may not write {@code DLQ.*}, so the route's own attempt fails and rolls
 * back) and the reason is in the log; in a test against a broker without security, the route puts
 * it there with its reason. The outbound consumer is transacted: a reply leaves the queue only once
 * the outside world has taken it.
 */
final class ${channelClass}Routes extends RouteBuilder {

    static final String OUTBOUND = BusAddress.outbound(${channelClass}Channel.CHANNEL);
    static final String SEND = "${channel}-send";

    private final String outboundUrl;
    private final int consumers;
    private final CanonicalJson json;

    /**
     * @param outboundUrl the outside world's endpoint replies are POSTed to; blank: they are logged
     * @param consumers   replies delivered at once (a conversation's replies stay in order: the bus
     *                    gives one conversation's messages to one consumer at a time)
     */
    ${channelClass}Routes(String outboundUrl, int consumers, CanonicalJson json) {
        this.outboundUrl = outboundUrl;
        this.consumers = Math.max(1, consumers);
        this.json = json;
    }

    @Override
    public void configure() {
        var outbound = from("bus:queue:" + OUTBOUND + "?transacted=true&asyncStartListener=true&concurrentConsumers=" + consumers)
                .routeId("${channel}-outbound")
                .errorHandler(DeadLetters.forAddress(OUTBOUND))
                .process(exchange -> {
                    Message message = json.fromJson(exchange.getMessage().getMandatoryBody(String.class), Message.class);
                    if (!${channelClass}Channel.CHANNEL.equals(message.address().channel())) {
                        throw new IllegalArgumentException("not a ${channel} address: " + message.address());
                    }
                    // the outside world sees the text and our message id, which makes its delivery idempotent
                    exchange.getMessage().setHeader("messageId", message.id());
                    exchange.getMessage().setHeader("to", message.address().address());
                    exchange.getMessage().setBody(message.text());
                });
        if (outboundUrl == null || outboundUrl.isBlank()) {
            outbound.to("log:${channel}-outbound?showHeaders=true").id(SEND);
        } else {
            outbound.process(new ${channelClass}Delivery(java.net.URI.create(outboundUrl), json)).id(SEND);
        }
    }
}
