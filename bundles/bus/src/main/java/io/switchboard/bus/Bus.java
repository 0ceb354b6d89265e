package io.switchboard.bus;

import jakarta.jms.ConnectionFactory;
import java.util.Map;

/** The connection to the Switchboard bus (Artemis over AMQP 1.0), registered as an OSGi service. */
public interface Bus {

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

    /** Whether a connection to the broker can be had now. */
    boolean isReachable();
}
