package io.switchboard.channel.sms.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.ContentPart;
import io.switchboard.api.Message;
import io.switchboard.bus.DeadLetters;
import io.switchboard.bus.OutageLog;
import io.switchboard.store.Store;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Out: agents' replies from
 * {@code sb.outbound.sms} to the SMSC, part by part. Sweep: long messages whose parts stopped
 * coming, or whose send to the bus failed, every {@code sweep} interval.
 */
final class SmsRoutes extends RouteBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(SmsRoutes.class);

    static final String OUTBOUND = BusAddress.outbound(SmsChannel.CHANNEL);

    private final Store store;
    private final SmscLink link;
    private final Inbox inbox;
    private final Deliveries deliveries;
    private final CanonicalJson json;
    private final PhoneNumbers.SmppAddress source;
    private final Duration partsTimeout;
    private final Duration sweep;

    SmsRoutes(Store store, SmscLink link, Inbox inbox, Deliveries deliveries, CanonicalJson json, String sourceAddress,
              Duration partsTimeout, Duration sweep) {
        this.store = store;
        this.link = link;
        this.inbox = inbox;
        this.deliveries = deliveries;
        this.json = json;
        this.source = PhoneNumbers.source(sourceAddress);
        this.partsTimeout = partsTimeout;
        this.sweep = sweep;
    }

    @Override
    public void configure() {
        from("bus:queue:" + OUTBOUND + "?transacted=true&asyncStartListener=true")
                .routeId("sms-outbound")
                .errorHandler(DeadLetters.forAddress(OUTBOUND))
                .process(this::send);

        OutageLog sweeping = new OutageLog(LOG, "sms-sweep", sweep);
        from("timer:sms-sweep?delay=" + sweep.toMillis() + "&period=" + sweep.toMillis())
                .routeId("sms-sweep")
                .process(exchange -> sweeping.run(this::sweep));
    }

    /**
     * Submits the message's parts not yet taken, each written down before the next goes, so a
     * redelivery (after a throttled part, or a crash) sends only what is missing.
     */
    void send(Exchange exchange) throws Exception {
        Message message = json.fromJson(exchange.getMessage().getMandatoryBody(String.class), Message.class);
        if (!SmsChannel.CHANNEL.equals(message.address().channel())) {
            throw new IllegalArgumentException("not an SMS address: " + message.address());
        }
        PhoneNumbers.SmppAddress to = PhoneNumbers.destination(message.address().address());
        SmsText.Encoded encoded = SmsText.encode(render(message));
        Outbox.Sending sending = store.inTransaction(s -> Outbox.begin(s, message, message.address().address(),
                encoded.parts()));
        if (!Outbox.SENDING.equals(sending.status())) {
            LOG.debug("SMS: message {} already {}; not sent again", message.id(), sending.status());
            return;
        }
        List<SmsText.Segment> segments = encoded.segments(sending.reference());
        for (int n = 0; n < segments.size(); n++) {
            int seq = n + 1;
            if (sending.submitted().contains(seq)) {
                continue;
            }
            String smscId = link.submit(source, to, segments.get(n));
            store.inTransaction(s -> Outbox.submitted(s, message.id(), seq, smscId)).ifPresent(deliveries::publish);
        }
        store.inTransaction(s -> Outbox.allSubmitted(s, message.id())).ifPresent(deliveries::publish);
    }

    /** SMS carries text only: a picture or file goes as its name and link. */
    static String render(Message message) {
        List<String> lines = new ArrayList<>();
        for (ContentPart p : message.parts()) {
            switch (p.kind()) {
                case TEXT -> lines.add(p.text());
                case IMAGE, FILE -> {
                    if (p.url() != null) {
                        lines.add(p.name() != null ? p.name() + ": " + p.url() : p.url());
                    }
                }
                case LOCATION -> {
                    if (p.latitude() != null && p.longitude() != null) {
                        lines.add((p.name() != null ? p.name() + " " : "") + p.latitude() + "," + p.longitude());
                    }
                }
                default -> { }
            }
        }
        String text = String.join("\n", lines);
        if (text.isBlank()) {
            throw new IllegalArgumentException("message " + message.id() + " has nothing an SMS can carry");
        }
        return text;
    }

    private void sweep() {
        for (Concatenation.Ready ready : inbox.concatenation().overdue(partsTimeout, link.boundSince())) {
            inbox.send(ready);
        }
    }
}
