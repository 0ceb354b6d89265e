package io.switchboard.bus;

import io.switchboard.api.BusAddress;
import java.time.Instant;
import org.apache.camel.Exchange;
import org.apache.camel.builder.DeadLetterChannelBuilder;

/**
 * The error handler of a route that consumes a bus address: a few quick retries in place, then the
 * original message goes to {@code DLQ.<address>} with why it failed, so an operator can read the
 * reason and replay it. Artemis' own redelivery and dead-lettering remain the net under this for a
 * consumer that crashes mid-way, and for a dead letter that cannot be sent: a plugin's, always, since
 * a plugin may not write {@code DLQ.*}. The broker then moves the message to {@code DLQ.<address>}
 * itself after its redeliveries, unchanged and without a reason.
 */
public final class DeadLetters {

    private DeadLetters() {
    }

    public static DeadLetterChannelBuilder forAddress(String address) {
        DeadLetterChannelBuilder builder = new DeadLetterChannelBuilder("bus:queue:" + BusAddress.deadLetter(address));
        builder.useOriginalMessage();
        // a dead letter that cannot be sent (the broker away or refusing) fails the exchange: the
        // transaction rolls back and the broker redelivers, then dead-letters the message itself;
        // handled, it would be committed and lost
        builder.deadLetterHandleNewException(false);
        builder.maximumRedeliveries(2);
        builder.redeliveryDelay(200);
        builder.onPrepareFailure(exchange -> {
            Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
            exchange.getMessage().setHeader(BusAddress.DEAD_LETTER_REASON, reason(cause));
            exchange.getMessage().setHeader(BusAddress.DEAD_LETTER_ORIGIN, address);
            exchange.getMessage().setHeader(BusAddress.DEAD_LETTER_TIME, Instant.now().toString());
        });
        return builder;
    }

    static String reason(Throwable cause) {
        if (cause == null) {
            return "unknown";
        }
        String text = cause.getClass().getName() + ": " + cause.getMessage();
        return text.length() > 1000 ? text.substring(0, 1000) : text;
    }
}
