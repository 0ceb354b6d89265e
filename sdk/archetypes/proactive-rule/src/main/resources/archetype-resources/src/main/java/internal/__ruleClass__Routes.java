package ${package}.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.BusinessEvent;
import io.switchboard.api.CanonicalJson;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.camel.builder.RouteBuilder;

/**
 * A notification of the outside system, e.g.
 * {@code {"id":"n-1","contacts":["sms:+8613800138000"],"data":{"title":"…","detail":"…"}}}, published as
 * the business event {@code ${eventType}} with id {@code ${rule}:<id>}: the broker drops a notification
 * sent twice, and the proactive rules act on each id once.
 */
final class ${ruleClass}Routes extends RouteBuilder {

    /** What the outside system sends. {@code contacts} name customers as the proactive service reads them. */
    public record Notification(String id, List<String> contacts, Map<String, String> data, Instant time) {
    }

    static final String TYPE = "${eventType}";
    static final String SOURCE = "${rule}";
    static final String ROUTE = "${rule}-events";
    static final String PUBLISH = "${rule}-publish";
    /** {@code customer:<id>}, {@code workorder:<id>} or {@code <channel>:<address>}. */
    static final Pattern CONTACT = Pattern.compile("[a-z][a-z0-9-]*:\\S.*");

    private final String sourceUri;
    private final CanonicalJson json;

    ${ruleClass}Routes(String sourceUri, CanonicalJson json) {
        this.sourceUri = sourceUri;
        this.json = json;
    }

    @Override
    public void configure() {
        from(sourceUri).routeId(ROUTE)
                .process(exchange -> {
                    BusinessEvent event = event(json.fromJson(exchange.getMessage().getMandatoryBody(String.class),
                            Notification.class));
                    exchange.getMessage().setBody(json.toJson(event));
                    exchange.getMessage().setHeader(BusAddress.DUPLICATE_ID, "business:" + event.id());
                    exchange.getMessage().setHeader(BusAddress.PAYLOAD_TYPE, "BusinessEvent");
                })
                .to("bus:topic:" + BusAddress.BUSINESS_EVENTS).id(PUBLISH);
    }

    /** @throws IllegalArgumentException saying what the notification lacks */
    static BusinessEvent event(Notification n) {
        if (n.id() == null || n.id().isBlank()) {
            throw new IllegalArgumentException("a notification needs its id");
        }
        if (n.contacts() == null || n.contacts().isEmpty()) {
            throw new IllegalArgumentException("notification " + n.id() + " names nobody (contacts)");
        }
        for (String contact : n.contacts()) {
            if (contact == null || !CONTACT.matcher(contact).matches()) {
                throw new IllegalArgumentException("notification " + n.id() + ": not a contact: " + contact);
            }
        }
        return new BusinessEvent(SOURCE + ":" + n.id().strip(), TYPE, SOURCE, n.time() == null ? Instant.now() : n.time(),
                n.data(), n.contacts());
    }
}
