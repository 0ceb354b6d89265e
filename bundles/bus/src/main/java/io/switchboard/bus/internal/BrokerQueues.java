package io.switchboard.bus.internal;

import io.switchboard.api.CanonicalJson;
import io.switchboard.bus.BusUnavailableException;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The broker's queues as {@link io.switchboard.bus.Bus#removeWaiting} clears them: the broker removes the
 * messages itself ({@code QueueControl.removeMessages}), asked with management messages to
 * {@value #MANAGEMENT}, which needs the {@code manage} permission the platform's broker user has and a
 * plugin's has not. Over AMQP like the rest of the bus, so the broker asked is the one the bus connects to.
 *
 * <p>On a connection of its own, not a pooled one: the pools send through anonymous producers, and the
 * broker (2.43) fails a management message relayed that way (no paging store for the management address)
 * by closing the connection.
 */
final class BrokerQueues {

    /** Artemis' default management address; {@code etc/artemis.xml} keeps it. */
    static final String MANAGEMENT = "activemq.management";
    /** Values in one filter: the broker parses and evaluates the filter for each message of a queue. */
    static final int GROUPS_PER_FILTER = 100;
    /** A removal walks the whole queue (paged messages too): a deep dead-letter queue takes a while. */
    static final long REPLY_TIMEOUT_MILLIS = 60_000;

    private final ConnectionFactory connections;
    private final CanonicalJson json;

    /**
     * @param connections unpooled connections as the bus's user, whose producers are named
     * @param json        for the management's JSON: the operations' parameters and their answers
     */
    BrokerQueues(ConnectionFactory connections, CanonicalJson json) {
        this.connections = connections;
        this.json = json;
    }

    /** As {@link io.switchboard.bus.Bus#removeWaiting}. */
    int removeGroups(Collection<String> groups) {
        Set<String> values = new LinkedHashSet<>();
        for (String group : groups) {
            if (group != null && !group.isEmpty()) {
                values.add(group);
            }
        }
        if (values.isEmpty()) {
            return 0;
        }
        try (Connection connection = connections.createConnection();
             Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            Broker broker = new Broker(session, json);
            try {
                List<String> filters = filters(values);
                int removed = 0;
                for (String queue : broker.queues()) {
                    for (String filter : filters) {
                        removed += broker.removeMessages(queue, filter);
                    }
                }
                return removed;
            } finally {
                broker.close();
            }
        } catch (JMSSecurityException e) {
            throw new IllegalStateException("the broker does not let this bus manage its queues: " + e.getMessage(), e);
        } catch (JMSException e) {
            throw new BusUnavailableException("cannot ask the broker to remove messages: " + e.getMessage(), e);
        }
    }

    /**
     * The filters matching the groups, a chunk of values each. {@code AMQGroupID} is the broker's own
     * name for a message's group, which it reads from a message of any protocol: {@code JMSXGroupID}
     * matches only AMQP messages (the group-id Qpid sends) and {@code _AMQ_GROUP_ID} only core ones.
     * A value is quoted with its single quotes doubled, so no value can end the literal.
     */
    static List<String> filters(Collection<String> groups) {
        List<String> filters = new ArrayList<>();
        StringBuilder filter = null;
        int inFilter = 0;
        for (String group : groups) {
            if (filter == null || inFilter == GROUPS_PER_FILTER) {
                if (filter != null) {
                    filters.add(filter.append(')').toString());
                }
                filter = new StringBuilder("AMQGroupID IN (");
                inFilter = 0;
            } else {
                filter.append(", ");
            }
            filter.append('\'').append(group.replace("'", "''")).append('\'');
            inFilter++;
        }
        if (filter != null) {
            filters.add(filter.append(')').toString());
        }
        return filters;
    }

    /** Whether the queues of {@code address} may hold a customer's messages: the bus' addresses and the dead letters. */
    static boolean swept(String address) {
        return address.startsWith("sb.") || address.equals("DLQ") || address.startsWith("DLQ.");
    }

    /** Requests to the broker's management, one at a time, answered on a temporary queue of this session. */
    private static final class Broker {

        private final Session session;
        private final CanonicalJson json;
        private final TemporaryQueue replies;
        private final MessageProducer producer;
        private final MessageConsumer consumer;

        Broker(Session session, CanonicalJson json) throws JMSException {
            this.session = session;
            this.json = json;
            this.replies = session.createTemporaryQueue();
            this.producer = session.createProducer(session.createQueue(MANAGEMENT));
            this.consumer = session.createConsumer(replies);
        }

        /**
         * Every queue of the swept addresses: a dead-letter queue the broker made itself
         * ({@code DLQ.<address>}) is a queue of the address {@code DLQ}, one a route sent to by name
         * may have an address of its own.
         */
        Set<String> queues() throws JMSException {
            Set<String> queues = new TreeSet<>();
            for (String address : names(attribute("broker", "addressNames"))) {
                if (swept(address)) {
                    queues.addAll(names(attribute("address." + address, "queueNames")));
                }
            }
            return queues;
        }

        int removeMessages(String queue, String filter) throws JMSException {
            Reply reply = request("queue." + queue, "removeMessages", json.toJson(List.of(filter)), null);
            if (reply.succeeded()) {
                return (int) json.fromJson(reply.body(), long[].class)[0];
            }
            if (!names(attribute("broker", "queueNames")).contains(queue)) {
                // deleted since it was listed (a subscriber's queue, gone with its subscriber): nothing waits there
                return 0;
            }
            // the broker's answer is not repeated: it may quote the filter, and with it the groups
            throw new IllegalStateException("the broker did not remove messages from " + queue);
        }

        private String attribute(String resource, String attribute) throws JMSException {
            Reply reply = request(resource, null, "[]", attribute);
            if (!reply.succeeded()) {
                throw new IllegalStateException("the broker did not tell " + attribute + " of " + resource + ": " + reply.body());
            }
            return reply.body();
        }

        /** An attribute's answer, a list of names, comes as the one element of a JSON array. */
        private List<String> names(String body) {
            String[][] answer = json.fromJson(body, String[][].class);
            return answer.length == 0 || answer[0] == null ? List.of() : List.of(answer[0]);
        }

        private Reply request(String resource, String operation, String parameters, String attribute) throws JMSException {
            TextMessage request = session.createTextMessage(parameters);
            request.setStringProperty("_AMQ_ResourceName", resource);
            if (operation != null) {
                request.setStringProperty("_AMQ_OperationName", operation);
            }
            if (attribute != null) {
                request.setStringProperty("_AMQ_Attribute", attribute);
            }
            request.setJMSReplyTo(replies);
            producer.send(request);
            jakarta.jms.Message answer = consumer.receive(REPLY_TIMEOUT_MILLIS);
            if (!(answer instanceof TextMessage text)) {
                throw new BusUnavailableException("the broker's management did not answer " + (operation != null ? operation : attribute)
                        + " on " + resource + " within " + REPLY_TIMEOUT_MILLIS / 1000 + " s", null);
            }
            return new Reply(text.getBooleanProperty("_AMQ_OperationSucceeded"), text.getText());
        }

        /** Quietly: what is removed is removed, and the connection's close takes the rest with it. */
        void close() {
            try {
                consumer.close();
                producer.close();
                replies.delete();
            } catch (JMSException | RuntimeException e) {
                // a reply queue left behind goes with its connection
            }
        }
    }

    private record Reply(boolean succeeded, String body) {
    }
}
