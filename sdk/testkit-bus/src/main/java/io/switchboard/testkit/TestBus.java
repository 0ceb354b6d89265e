package io.switchboard.testkit;

import io.switchboard.bus.Bus;
import io.switchboard.bus.internal.ArtemisBus;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The platform's {@link Bus} in a plugin's JUnit test, on a {@link TestBroker}: the same implementation
 * the server registers (AMQP 1.0, synchronous persistent sends, a pooled factory), so a route tested on
 * it behaves as it will in Karaf. A plugin's tests import only this package; the bus's implementation
 * stays the platform's internal.
 *
 * <pre>{@code
 * try (TestBroker broker = TestBroker.start(); TestBus bus = TestBus.on(broker)) {
 *     camel.addComponent("bus", BundleRoutes.busComponent(bus));
 *     ...
 *     TestBus.Received reply = bus.expect("sb.system.reply.test", Duration.ofSeconds(10));
 * }
 * }</pre>
 */
public final class TestBus implements Bus, AutoCloseable {

    /** A message taken off the bus: its text and its properties (e.g. {@code _AMQ_DUPL_ID}, {@code sbDeadLetterReason}). */
    public record Received(String body, Map<String, Object> properties) {

        public Received {
            properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        }

        /** A property's value, or null. */
        public Object property(String name) {
            return properties.get(name);
        }
    }

    /**
     * Copies of what is published to a multicast address from the moment of {@link #subscribe} on, as
     * every subscriber in the server gets them. Close it when done.
     */
    public static final class Subscription implements AutoCloseable {

        private final String address;
        private final Connection connection;
        private final MessageConsumer consumer;

        private Subscription(String address, Connection connection, MessageConsumer consumer) {
            this.address = address;
            this.connection = connection;
            this.consumer = consumer;
        }

        /** The next message published, or null if none comes within {@code timeout}. */
        public Received receive(Duration timeout) {
            try {
                return received(consumer.receive(Math.max(1, timeout.toMillis())));
            } catch (JMSException e) {
                throw new IllegalStateException("cannot receive from " + address, e);
            }
        }

        /** The next message published; an {@link AssertionError} if none comes within {@code timeout}. */
        public Received expect(Duration timeout) {
            Received received = receive(timeout);
            if (received == null) {
                throw new AssertionError("nothing published on " + address + " within " + timeout);
            }
            return received;
        }

        @Override
        public void close() {
            try {
                connection.close();
            } catch (JMSException e) {
                // the broker may be gone already; nothing is left to release then
            }
        }
    }

    private final ArtemisBus bus;

    private TestBus(ArtemisBus bus) {
        this.bus = bus;
    }

    /** A bus connected to {@code broker}; the test broker checks no credentials. */
    public static TestBus on(TestBroker broker) {
        return new TestBus(ArtemisBus.connect(broker.amqpUrl(), "test", "test"));
    }

    /**
     * A bus connected to a broker elsewhere, e.g. a server started with {@link TestServer}
     * ({@link TestServer#busUrl()}) as {@code user}.
     */
    public static TestBus connect(String amqpUrl, String user, String password) {
        return new TestBus(ArtemisBus.connect(amqpUrl, user, password));
    }

    @Override
    public ConnectionFactory connectionFactory() {
        return bus.connectionFactory();
    }

    @Override
    public void inbound(io.switchboard.api.Message message) {
        bus.inbound(message);
    }

    @Override
    public void send(String address, String body, Map<String, Object> properties) {
        bus.send(address, body, properties);
    }

    @Override
    public void publish(String address, String body, Map<String, Object> properties) {
        bus.publish(address, body, properties);
    }

    @Override
    public void sendAll(java.util.List<io.switchboard.bus.BusBatch.Outgoing> messages) {
        bus.sendAll(messages);
    }

    @Override
    public boolean isReachable() {
        return bus.isReachable();
    }

    @Override
    public int removeWaiting(java.util.Collection<String> groups) {
        return bus.removeWaiting(groups);
    }

    /** Takes one message off the anycast queue {@code queue}, or null if none comes within {@code timeout}. */
    public Received receive(String queue, Duration timeout) {
        try (Connection connection = connectionFactory().createConnection();
             Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
             MessageConsumer consumer = session.createConsumer(session.createQueue(queue))) {
            connection.start();
            return received(consumer.receive(Math.max(1, timeout.toMillis())));
        } catch (JMSException e) {
            throw new IllegalStateException("cannot receive from " + queue, e);
        }
    }

    /** Takes one message off {@code queue}; an {@link AssertionError} if none comes within {@code timeout}. */
    public Received expect(String queue, Duration timeout) {
        Received received = receive(queue, timeout);
        if (received == null) {
            throw new AssertionError("nothing on " + queue + " within " + timeout);
        }
        return received;
    }

    /**
     * Subscribes to the multicast address {@code address} (e.g. {@code sb.events},
     * {@code sb.business-events}): subscribe first, then make the code under test publish.
     */
    public Subscription subscribe(String address) {
        Connection connection = null;
        try {
            connection = connectionFactory().createConnection();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createTopic(address));
            connection.start();
            return new Subscription(address, connection, consumer);
        } catch (JMSException e) {
            if (connection != null) {
                try {
                    connection.close();
                } catch (JMSException ignored) {
                    // the subscription failed already; that is the error to report
                }
            }
            throw new IllegalStateException("cannot subscribe to " + address, e);
        }
    }

    /** Closes the pooled connections; the broker keeps running. */
    @Override
    public void close() {
        bus.deactivate();
    }

    private static Received received(jakarta.jms.Message message) throws JMSException {
        if (message == null) {
            return null;
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        for (Enumeration<?> names = message.getPropertyNames(); names.hasMoreElements(); ) {
            String name = (String) names.nextElement();
            properties.put(name, message.getObjectProperty(name));
        }
        String body = message instanceof TextMessage text ? text.getText() : message.getBody(String.class);
        return new Received(body, properties);
    }
}
