package io.switchboard.bus;

import io.switchboard.api.Message;
import jakarta.jms.ConnectionFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/** The connection to the Switchboard bus (Artemis over AMQP 1.0), registered as an OSGi service. */
@ProviderType
public interface Bus {

    /**
     * The one way a channel puts what a customer sent on {@code sb.inbound}: durably, returning once
     * the broker has it, so a channel may answer its sender (202, a webhook's 200) only after.
     * <ul>
     *   <li>duplicate id: {@link Message#deduplicationId()}, so a channel's retry of one message (a
     *       webhook resent, a client's resend with the same id) is one message;</li>
     *   <li>group: the conversation, or the customer's address before a conversation exists, so one
     *       customer's messages are handled in the order they were taken;</li>
     *   <li>failure: {@link BusUnavailableException}, which the REST layer answers with 503 and
     *       {@code Retry-After}.</li>
     * </ul>
     *
     * @throws IllegalArgumentException when the message is not an inbound message with an address
     * @throws BusUnavailableException  when the broker did not take the message
     */
    void inbound(Message message);

    /** A pooled factory: cheap to call for each send. */
    ConnectionFactory connectionFactory();

    /**
     * Sends {@code body} durably to an anycast {@code address} and returns once the broker has it.
     *
     * @param properties message properties; {@link io.switchboard.api.BusAddress#DUPLICATE_ID} makes
     *                   the broker drop a repeat, {@link io.switchboard.api.BusAddress#GROUP_ID} keeps
     *                   a conversation in order
     * @throws BusUnavailableException when the broker did not take the message
     */
    void send(String address, String body, Map<String, Object> properties);

    /** Publishes to a multicast address (every subscriber gets a copy). */
    void publish(String address, String body, Map<String, Object> properties);

    /**
     * Sends all of {@code messages}, in their order, in one broker transaction, and returns once the
     * broker has them: all are on the bus or none is, for one commit instead of a synchronous send each.
     *
     * @throws BusUnavailableException when the broker did not take them
     */
    void sendAll(List<BusBatch.Outgoing> messages);

    /** Whether a connection to the broker can be had now. */
    boolean isReachable();

    /** What a consumer of this bus does when an outage keeps a message from being handled: see {@link #outageRetry()}. */
    Duration DEFAULT_OUTAGE_RETRY = Duration.ofMinutes(10);

    /**
     * How long a message that fails on an {@link io.switchboard.api.Outage} (the database, the broker or a
     * remote system away) is tried again, with back-off, before it is dead-lettered; {@code etc/io.switchboard.bus.cfg}
     * sets it ({@code outageRetryMinutes}).
     */
    default Duration outageRetry() {
        return DEFAULT_OUTAGE_RETRY;
    }
}
