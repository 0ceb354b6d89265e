package ${package}.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.Message;
import io.switchboard.bus.DeadLetters;
import org.apache.camel.builder.RouteBuilder;

/**
 * In: normalized messages to {@code sb.inbound}. Out: agents' replies from
 * {@code sb.outbound.${channel}} to the outside world's endpoint; what cannot be sent goes to the
 * dead-letter queue with its reason.
 */
final class ${channelClass}Routes extends RouteBuilder {

    static final String INBOUND = "direct:${channel}-inbound";
    static final String OUTBOUND = BusAddress.outbound(${channelClass}Channel.CHANNEL);
    static final String SEND = "${channel}-send";

    private final String outboundUri;
    private final CanonicalJson json;

    ${channelClass}Routes(String outboundUri, CanonicalJson json) {
        this.outboundUri = outboundUri;
        this.json = json;
    }

    @Override
    public void configure() {
        from(INBOUND).routeId("${channel}-inbound")
                .errorHandler(noErrorHandler())
                .to("bus:queue:" + BusAddress.INBOUND);

        from("bus:queue:" + OUTBOUND + "?transacted=true&asyncStartListener=true")
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
                })
                .to(outboundUri).id(SEND);
    }
}
