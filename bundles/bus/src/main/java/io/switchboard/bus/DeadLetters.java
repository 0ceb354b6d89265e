package io.switchboard.bus;

import io.switchboard.api.BusAddress;
import io.switchboard.api.Outage;
import io.switchboard.bus.internal.BusComponent;
import java.time.Duration;
import java.time.Instant;
import org.apache.camel.Exchange;
import org.apache.camel.builder.DeadLetterChannelBuilder;

/**
 * The error handler of a route that consumes a bus address: an {@link Outage} (the database, the broker
 * or a remote system away) is retried in place with back-off, for {@link Bus#outageRetry()}; anything
 * else gets two quick retries. Then the original message goes to {@code DLQ.<address>} with why it
 * failed, so an operator can read the reason and replay it. Artemis' own redelivery and dead-lettering remain the net under this for a
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
        // an outage is tried again with back-off for as long as the bus says (10 minutes unless configured),
        // so a database, broker or remote system away for a while parks nothing; anything else is tried
        // twice more, since trying it again changes nothing, and dead-lettered
        builder.redeliveryDelay(FIRST_DELAY_MS);
        builder.useExponentialBackOff();
        builder.backOffMultiplier(2);
        builder.maximumRedeliveryDelay(MAX_DELAY_MS);
        builder.retryWhile(new org.apache.camel.support.ExpressionAdapter() {
            @Override
            public Object evaluate(Exchange exchange) {
                return tryAgain(exchange);
            }
        });
        builder.onPrepareFailure(exchange -> {
            Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
            exchange.getMessage().setHeader(BusAddress.DEAD_LETTER_REASON, reason(cause));
            exchange.getMessage().setHeader(BusAddress.DEAD_LETTER_ORIGIN, address);
            exchange.getMessage().setHeader(BusAddress.DEAD_LETTER_TIME, Instant.now().toString());
        });
        return builder;
    }

    /** Redeliveries of a failure that is not an outage. */
    static final int QUICK_ATTEMPTS = 2;
    static final long FIRST_DELAY_MS = 200;
    static final long MAX_DELAY_MS = 10_000;
    /** When the exchange's first outage began, kept across its redeliveries. */
    static final String OUTAGE_SINCE = "SwitchboardOutageSince";

    /** Whether a failed exchange is delivered again (Camel has counted this failure already). */
    static boolean tryAgain(Exchange exchange) {
        Throwable cause = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (Outage.isOutage(cause)) {
            long now = System.nanoTime();
            Long since = exchange.getProperty(OUTAGE_SINCE, Long.class);
            if (since == null) {
                exchange.setProperty(OUTAGE_SINCE, now);
                return true;
            }
            return now - since < outageRetry(exchange).toNanos();
        }
        int failures = exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER, 1, Integer.class);
        return failures <= QUICK_ATTEMPTS;
    }

    /** The route's bus' setting, or the default where the context has no bus (a test's). */
    private static Duration outageRetry(Exchange exchange) {
        return exchange.getContext().getComponent("bus", false) instanceof BusComponent c
                ? c.bus().outageRetry() : Bus.DEFAULT_OUTAGE_RETRY;
    }

    static String reason(Throwable cause) {
        if (cause == null) {
            return "unknown";
        }
        String text = cause.getClass().getName() + ": " + cause.getMessage();
        return text.length() > 1000 ? text.substring(0, 1000) : text;
    }
}
