package io.switchboard.bus.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.Outage;
import io.switchboard.bus.BusBatch;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer of a {@code bus-batch} endpoint: {@code consumers} threads, each with its own connection
 * and transacted session, each taking what is ready (up to {@code size}) as one batch. See
 * {@link BusBatch} for what a batch guarantees.
 */
final class BatchConsumer extends DefaultConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(BatchConsumer.class);
    /** Attempts of a message handled alone before it is dead-lettered, as {@link io.switchboard.bus.DeadLetters} does. */
    static final int ATTEMPTS = 3;
    private static final long RETRY_PAUSE_MS = 200;
    private static final long RECONNECT_PAUSE_MS = 2000;
    private static final long MAX_OUTAGE_PAUSE_MS = 10_000;

    private final ConnectionFactory factory;
    private final String address;
    private final int size;
    private final int consumers;
    private final Duration outageRetry;
    /**
     * When the outage this consumer's threads wait out began; 0 when none. Shared by the threads and kept
     * until a batch is handled again, so that a batch split after a long outage does not wait it out again
     * message by message.
     */
    private volatile long outageSince;
    private volatile boolean running;
    private ExecutorService threads;

    BatchConsumer(Endpoint endpoint, Processor processor, ConnectionFactory factory, String address, int size, int consumers,
                  Duration outageRetry) {
        super(endpoint, processor);
        this.outageRetry = outageRetry;
        this.factory = factory;
        this.address = address;
        this.size = size;
        this.consumers = consumers;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        running = true;
        threads = getEndpoint().getCamelContext().getExecutorServiceManager()
                .newFixedThreadPool(this, "bus-batch " + address, consumers);
        for (int i = 0; i < consumers; i++) {
            threads.execute(this::consume);
        }
    }

    @Override
    protected void doStop() throws Exception {
        running = false;
        if (threads != null) {
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownGraceful(threads, 10_000);
            threads = null;
        }
        super.doStop();
    }

    private void consume() {
        while (running) {
            try (Connection connection = factory.createConnection()) {
                connection.start();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                try (MessageConsumer consumer = session.createConsumer(session.createQueue(address));
                     MessageProducer producer = session.createProducer(null)) {
                    consume(session, consumer, producer);
                } finally {
                    session.close();
                }
            } catch (JMSException | RuntimeException e) {
                if (running) {
                    LOG.warn("bus-batch {}: {}; connecting again in {} ms", address, e.toString(), RECONNECT_PAUSE_MS);
                    pause(RECONNECT_PAUSE_MS);
                }
            }
        }
    }

    private void consume(Session session, MessageConsumer consumer, MessageProducer producer) throws JMSException {
        // after a failed batch, its messages are taken again one at a time, so a poison message fails alone
        int alone = 0;
        while (running) {
            Message first = consumer.receive(500);
            if (first == null) {
                continue;
            }
            List<Message> batch = new ArrayList<>();
            batch.add(first);
            if (alone == 0) {
                // what is ready is what the consumer has prefetched (its connection receives locally only)
                for (Message next; batch.size() < size && (next = consumer.receiveNoWait()) != null; ) {
                    batch.add(next);
                }
            } else {
                alone--;
            }
            Exchange exchange;
            Exception failure;
            long delay = RETRY_PAUSE_MS;
            while (true) {
                exchange = getEndpoint().createExchange();
                try {
                    exchange.getMessage().setBody(deliveries(batch));
                    getProcessor().process(exchange);
                    failure = exchange.getException();
                } catch (Exception e) {
                    failure = e;
                }
                if (failure == null || !running || !Outage.isOutage(failure)) {
                    break;
                }
                // an outage: the same batch again after a pause, neither rolled back (which the broker would
                // count as a delivery) nor split, until it heals or the bus' outage time is over
                long now = System.nanoTime();
                if (outageSince == 0) {
                    outageSince = now;
                    LOG.warn("bus-batch {}: {}; trying again with back-off for up to {} before dead-lettering",
                            address, failure.toString(), outageRetry);
                } else if (now - outageSince >= outageRetry.toNanos()) {
                    break;
                }
                pause(delay);
                delay = Math.min(delay * 2, MAX_OUTAGE_PAUSE_MS);
            }
            if (failure == null) {
                if (outageSince != 0) {
                    LOG.info("bus-batch {}: handled again after {} s of outage", address, (System.nanoTime() - outageSince) / 1_000_000_000L);
                    outageSince = 0;
                }
                try {
                    for (BusBatch.Outgoing out : BusBatch.outbox(exchange)) {
                        send(session, producer, out.multicast(), out.address(), out.body(), out.properties());
                    }
                    session.commit();
                } catch (JMSException | RuntimeException e) {
                    // the broker, not the batch, failed: none of it was consumed; connect again
                    rollback(session);
                    throw e;
                }
                continue;
            }
            if (batch.size() > 1) {
                rollback(session);
                LOG.debug("bus-batch {}: a batch of {} failed ({}); taking them one at a time", address, batch.size(), failure.toString());
                alone = batch.size();
            } else if (attempts(first) >= ATTEMPTS) {
                deadLetter(session, producer, first, failure);
            } else {
                rollback(session);
                pause(RETRY_PAUSE_MS);
            }
        }
    }

    private void deadLetter(Session session, MessageProducer producer, Message message, Exception failure) throws JMSException {
        // nothing was sent for it: the message leaves for its dead-letter queue in one commit
        try {
            Map<String, Object> properties = properties(message);
            properties.keySet().removeIf(name -> name.startsWith("JMSX") || name.equals(BusAddress.DUPLICATE_ID));
            properties.put(BusAddress.DEAD_LETTER_REASON, reason(failure));
            properties.put(BusAddress.DEAD_LETTER_ORIGIN, address);
            properties.put(BusAddress.DEAD_LETTER_TIME, Instant.now().toString());
            LOG.warn("bus-batch {}: message {} dead-lettered after {} attempts: {}", address, message.getJMSMessageID(),
                    ATTEMPTS, properties.get(BusAddress.DEAD_LETTER_REASON));
            send(session, producer, false, BusAddress.deadLetter(address), body(message), properties);
            session.commit();
        } catch (JMSException | RuntimeException e) {
            rollback(session);
            throw e;
        }
    }

    private static int attempts(Message message) {
        try {
            return message.getIntProperty("JMSXDeliveryCount");
        } catch (JMSException | NumberFormatException e) {
            return 1;
        }
    }

    static String reason(Throwable cause) {
        String text = cause.getClass().getName() + ": " + cause.getMessage();
        return text.length() > 1000 ? text.substring(0, 1000) : text;
    }

    private static void send(Session session, MessageProducer producer, boolean multicast, String address, String body,
                             Map<String, Object> properties) throws JMSException {
        TextMessage out = session.createTextMessage(body);
        if (properties != null) {
            for (Map.Entry<String, Object> p : properties.entrySet()) {
                if (p.getValue() != null) {
                    out.setObjectProperty(p.getKey(), p.getValue());
                }
            }
        }
        producer.send(multicast ? session.createTopic(address) : session.createQueue(address), out,
                DeliveryMode.PERSISTENT, Message.DEFAULT_PRIORITY, 0);
    }

    private static List<BusBatch.Delivery> deliveries(List<Message> batch) throws JMSException {
        List<BusBatch.Delivery> deliveries = new ArrayList<>(batch.size());
        for (Message m : batch) {
            deliveries.add(new BusBatch.Delivery(body(m), properties(m)));
        }
        return deliveries;
    }

    private static String body(Message m) throws JMSException {
        return m instanceof TextMessage text ? text.getText() : m.getBody(String.class);
    }

    private static Map<String, Object> properties(Message m) throws JMSException {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (Enumeration<?> names = m.getPropertyNames(); names.hasMoreElements(); ) {
            String name = (String) names.nextElement();
            properties.put(name, m.getObjectProperty(name));
        }
        return properties;
    }

    private void rollback(Session session) {
        try {
            session.rollback();
        } catch (JMSException e) {
            LOG.warn("bus-batch {}: rollback failed: {}", address, e.toString());
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
