package io.switchboard.bus;

import io.switchboard.api.BusAddress;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code DLQ.<address>} queue as operators see it: what is in it and why, and a replay that puts
 * each message back on the address it failed on.
 */
public final class DeadLetterQueue {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterQueue.class);

    /** One dead letter; {@code reason} is null when the broker, not a route, gave up on it. */
    public record DeadLetter(String messageId, String origin, String reason, String time, int deliveryCount,
                             String body) {
    }

    private final Bus bus;
    private final String queue;

    public DeadLetterQueue(Bus bus, String queue) {
        if (queue == null || !queue.startsWith(BusAddress.DEAD_LETTER_PREFIX) || !queue.matches("[A-Za-z0-9._-]{5,200}")) {
            throw new IllegalArgumentException("not a dead-letter queue name: " + queue);
        }
        this.bus = bus;
        this.queue = queue;
    }

    public List<DeadLetter> browse(int max) {
        try (Connection c = bus.connectionFactory().createConnection();
             Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
             QueueBrowser browser = s.createBrowser(s.createQueue(queue))) {
            c.start();
            List<DeadLetter> result = new ArrayList<>();
            for (Object o : Collections.list((Enumeration<?>) browser.getEnumeration())) {
                if (result.size() >= max) {
                    break;
                }
                jakarta.jms.Message m = (jakarta.jms.Message) o;
                result.add(new DeadLetter(m.getJMSMessageID(), origin(m), m.getStringProperty(BusAddress.DEAD_LETTER_REASON),
                        m.getStringProperty(BusAddress.DEAD_LETTER_TIME),
                        m.propertyExists("JMSXDeliveryCount") ? m.getIntProperty("JMSXDeliveryCount") : 0,
                        m instanceof TextMessage t ? t.getText() : null));
            }
            return result;
        } catch (JMSException e) {
            throw new BusUnavailableException("cannot browse " + queue + ": " + e.getMessage(), e);
        }
    }

    /**
     * Moves the messages now in the queue back to their origin, one transaction per message, so a
     * crash mid-way neither loses nor doubles one. Only as many as were there when it began: one
     * that fails again comes back behind them and waits for the next replay.
     *
     * @return how many were replayed
     */
    public int replay() {
        int waiting = waiting();
        int moved = 0;
        try (Connection c = bus.connectionFactory().createConnection();
             Session s = c.createSession(true, Session.SESSION_TRANSACTED);
             MessageConsumer consumer = s.createConsumer(s.createQueue(queue));
             MessageProducer producer = s.createProducer(null)) {
            c.start();
            jakarta.jms.Message m;
            while (moved < waiting && (m = consumer.receive(2000)) != null) {
                warnIfElsewhere(m);
                Queue origin = s.createQueue(origin(m));
                TextMessage copy = s.createTextMessage(m instanceof TextMessage t ? t.getText() : null);
                for (Map.Entry<String, Object> p : ownProperties(m).entrySet()) {
                    copy.setObjectProperty(p.getKey(), p.getValue());
                }
                producer.send(origin, copy);
                s.commit();
                moved++;
            }
            return moved;
        } catch (JMSException e) {
            throw new BusUnavailableException("replay of " + queue + " stopped after " + moved + ": " + e.getMessage(), e);
        }
    }

    /** How many wait in the queue, counted as the browser streams past them: none is held. */
    private int waiting() {
        try (Connection c = bus.connectionFactory().createConnection();
             Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
             QueueBrowser browser = s.createBrowser(s.createQueue(queue))) {
            c.start();
            int n = 0;
            for (Enumeration<?> e = browser.getEnumeration(); e.hasMoreElements(); e.nextElement()) {
                n++;
            }
            return n;
        } catch (JMSException e) {
            throw new BusUnavailableException("cannot count " + queue + ": " + e.getMessage(), e);
        }
    }

    /**
     * Where a message of this queue failed, and where a replay puts it: the address whose dead-letter
     * queue this is, {@code DLQ.<address>}, whatever the message says. A message's own origin header
     * is written by whoever sent it to the queue, and anyone who may dead-letter to it (a plugin, for
     * an address it reads) could name any address there; an admin's replay would then send it on
     * that address's behalf.
     */
    private String origin(jakarta.jms.Message m) {
        return queue.substring(BusAddress.DEAD_LETTER_PREFIX.length());
    }

    /** A message naming another address than its queue's: said in the log, since only a forger writes one. */
    private void warnIfElsewhere(jakarta.jms.Message m) throws JMSException {
        String claimed = m.getStringProperty(BusAddress.DEAD_LETTER_ORIGIN);
        if (claimed == null && m.propertyExists("_AMQ_ORIG_ADDRESS")) {
            claimed = m.getStringProperty("_AMQ_ORIG_ADDRESS");
        }
        if (claimed != null && !claimed.equals(origin(m))) {
            LOG.warn("Message {} in {} names {} as where it failed; it is replayed to {}, the address of its queue",
                    m.getJMSMessageID(), queue, claimed, origin(m));
        }
    }

    /** The message's own properties minus the dead-letter marks; a replayed message starts clean. */
    private static Map<String, Object> ownProperties(jakarta.jms.Message m) throws JMSException {
        Map<String, Object> result = new HashMap<>();
        for (Object o : Collections.list((Enumeration<?>) m.getPropertyNames())) {
            String name = (String) o;
            if (name.startsWith("sb") && !name.startsWith("sbDeadLetter")) {
                result.put(name, m.getObjectProperty(name));
            } else if (name.equals(BusAddress.GROUP_ID)) {
                result.put(name, m.getObjectProperty(name));
            }
        }
        return result;
    }
}
