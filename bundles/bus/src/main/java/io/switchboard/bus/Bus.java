package io.switchboard.bus;

import io.switchboard.api.Message;
import jakarta.jms.ConnectionFactory;
import java.time.Duration;
import java.util.Collection;
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

    /**
     * Removes the messages of these message groups ({@link io.switchboard.api.BusAddress#GROUP_ID}) that
     * wait in the broker: in every queue of every {@code sb.*} address and in every dead-letter queue
     * ({@code DLQ}, {@code DLQ.*}). Every customer's message on the bus has a group: on {@code sb.inbound}
     * their conversation or, before one exists, their address as {@link io.switchboard.api.ChannelAddress#toString()}
     * writes it; replies and the bot's messages their conversation. Erasing a customer removes theirs.
     *
     * <p>The broker removes them itself, through its management, which the platform's broker user may use
     * and a plugin's may not. What a consumer holds at that moment (being handled, tried again through
     * an outage, or prefetched by a running consumer) is not in a queue to remove: it is handled, or comes
     * back to its queue or dead-letter queue, where another removal finds it. Only the broker this bus
     * connects to is asked: on several nodes, each node's own.
     *
     * @param groups the groups' values, exactly as the messages carry them
     * @return how many messages the broker removed
     * @throws BusUnavailableException when the broker could not be asked or did not answer; some queues
     *                                 may have been cleared already, and asking again is safe
     * @throws IllegalStateException   when the broker refused (a bus that may not manage it, a plugin's)
     */
    int removeWaiting(Collection<String> groups);

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
