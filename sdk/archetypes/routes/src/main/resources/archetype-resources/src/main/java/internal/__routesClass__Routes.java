package ${package}.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.bus.DeadLetters;
import java.time.Instant;
import org.apache.camel.builder.RouteBuilder;

/**
 * Two routes around the bus queue {@code sb.${routeName}}. Intake: what the source endpoint gives is
 * put on the queue, durably, before the source lets go of it. Delivery: taken off the queue inside a
 * bus transaction, wrapped as a {@link Delivery} and sent to the target; what cannot be delivered goes,
 * after a few retries, to {@code DLQ.sb.${routeName}} with its reason, for an operator to replay.
 */
final class ${routesClass}Routes extends RouteBuilder {

    /** What the target gets: the text, with the id the bus gave it, so the target can drop a repeat. */
    public record Delivery(String id, String text, Instant deliveredAt) {
    }

    static final String QUEUE = "sb.${routeName}";
    static final String INTAKE = "${routeName}-intake";
    static final String DELIVERY = "${routeName}-delivery";
    /** The delivery's call to the target: what a test replaces. */
    static final String DELIVER = "${routeName}-deliver";
    static final int MAX_TEXT = 64 * 1024;

    private final String sourceUri;
    private final String targetUri;
    private final CanonicalJson json;

    ${routesClass}Routes(String sourceUri, String targetUri, CanonicalJson json) {
        this.sourceUri = sourceUri;
        this.targetUri = targetUri;
        this.json = json;
    }

    @Override
    public void configure() {
        from(sourceUri).routeId(INTAKE)
                // a failed send fails the source's exchange: the file stays, the caller is told
                .errorHandler(noErrorHandler())
                .convertBodyTo(String.class)
                .setHeader(BusAddress.PAYLOAD_TYPE, constant("Text"))
                .to("bus:queue:" + QUEUE);

        from("bus:queue:" + QUEUE + "?transacted=true&asyncStartListener=true").routeId(DELIVERY)
                .errorHandler(DeadLetters.forAddress(QUEUE))
                .process(exchange -> {
                    String text = exchange.getMessage().getMandatoryBody(String.class);
                    if (text.isBlank() || text.length() > MAX_TEXT) {
                        throw new IllegalArgumentException("nothing to deliver, or more than " + MAX_TEXT + " characters");
                    }
                    exchange.getMessage().setBody(json.toJson(new Delivery(exchange.getExchangeId(), text.strip(), Instant.now())));
                })
                .to(targetUri).id(DELIVER);
    }
}
