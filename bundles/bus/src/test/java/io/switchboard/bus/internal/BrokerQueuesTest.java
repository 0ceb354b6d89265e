package io.switchboard.bus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.switchboard.api.BusAddress;
import io.switchboard.bus.BusUnavailableException;
import io.switchboard.testkit.TestBroker;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Removing a person's messages from the broker's queues, on a real broker: theirs go, everyone else's stay. */
class BrokerQueuesTest {

    static TestBroker broker;
    static ArtemisBus bus;

    @BeforeAll
    static void start() {
        broker = TestBroker.start();
        bus = ArtemisBus.connect(broker.amqpUrl(), "test", "test");
    }

    @AfterAll
    static void stop() {
        bus.deactivate();
        broker.close();
    }

    /** A fresh address of the bus for one test, so that tests sharing the broker do not see each other's messages. */
    static String address(String name) {
        return "sb.test." + name + "." + UUID.randomUUID().toString().substring(0, 8);
    }

    void send(String address, String group) {
        bus.send(address, "{\"text\":\"消息\"}", Map.of(BusAddress.GROUP_ID, group));
    }

    /** The groups of what waits in {@code queue}, in order, without taking any. */
    static List<String> groupsIn(String queue) throws JMSException {
        return TestBroker.browse(bus.connectionFactory(), queue, BusAddress.GROUP_ID);
    }

    @Test
    void aPersonsMessagesGoFromTheQueuesAndTheDeadLetterQueuesAndEveryoneElsesStay() throws Exception {
        String inbound = address("inbound");
        String outbound = address("outbound");
        String conversation = "conv-" + UUID.randomUUID();
        String visitor = "webchat:v'" + UUID.randomUUID();
        send(inbound, visitor);
        send(inbound, "webchat:someone-else");
        send(inbound, conversation);
        send(outbound, conversation);
        send(outbound, "conv-of-someone-else");
        // what a route's error handler puts in a dead-letter queue, by name
        send(BusAddress.deadLetter(inbound), conversation);
        send(BusAddress.deadLetter(inbound), "conv-of-someone-else");
        // not a bus address: not the platform's to clear
        send("elsewhere." + inbound, conversation);

        int removed = bus.removeWaiting(List.of(conversation, visitor, "webchat:never-wrote"));

        assertEquals(4, removed);
        assertEquals(List.of("webchat:someone-else"), groupsIn(inbound));
        assertEquals(List.of("conv-of-someone-else"), groupsIn(outbound));
        assertEquals(List.of("conv-of-someone-else"), groupsIn(BusAddress.deadLetter(inbound)));
        assertEquals(List.of(conversation), groupsIn("elsewhere." + inbound));
        assertEquals(0, bus.removeWaiting(List.of(conversation, visitor)), "nothing is left to remove");
    }

    /** The broker moves a message it gave up on to {@code DLQ.<address>}, a queue of its address {@code DLQ}. */
    @Test
    void whatTheBrokerDeadLetteredItselfIsRemovedToo() throws Exception {
        String address = address("dying");
        send(address, "conv-dies");
        send(address, "conv-lives");
        try (Connection c = bus.connectionFactory().createConnection();
             Session s = c.createSession(true, Session.SESSION_TRANSACTED);
             MessageConsumer consumer = s.createConsumer(s.createQueue(address), BusAddress.GROUP_ID + " = 'conv-dies'")) {
            c.start();
            while (consumer.receive(3000) != null) {
                s.rollback();
            }
        }
        assertEquals(List.of("conv-dies"), groupsIn(BusAddress.deadLetter(address)), "the broker did not dead-letter it");

        assertEquals(1, bus.removeWaiting(List.of("conv-dies")));

        assertEquals(List.of(), groupsIn(BusAddress.deadLetter(address)));
        assertEquals(List.of("conv-lives"), groupsIn(address));
    }

    /** A message sent over the core protocol (an integrator's JMS client) has its group in another header than AMQP's. */
    @Test
    void aCoreProtocolMessageIsFoundByItsGroupAsWell() throws Exception {
        String address = address("core");
        send(address, "conv-amqp");
        try (ServerLocator locator = ActiveMQClient.createServerLocator("tcp://127.0.0.1:" + broker.port());
             ClientSessionFactory factory = locator.createSessionFactory();
             ClientSession session = factory.createSession();
             ClientProducer producer = session.createProducer(address)) {
            ClientMessage message = session.createMessage(true);
            message.setGroupID(SimpleString.of("conv-core"));
            producer.send(message);
        }
        assertEquals(2, broker.messageCount(address));

        assertEquals(2, bus.removeWaiting(List.of("conv-amqp", "conv-core")));
        assertEquals(0, broker.messageCount(address));
    }

    @Test
    void aValueCannotWidenTheFilter() throws Exception {
        String address = address("quoted");
        send(address, "conv-a");
        send(address, "it's");

        assertEquals(0, bus.removeWaiting(List.of("x' OR AMQGroupID IS NOT NULL OR AMQGroupID = 'y")));
        assertEquals(1, bus.removeWaiting(List.of("it's")));
        assertEquals(List.of("conv-a"), groupsIn(address));
        assertEquals(List.of("AMQGroupID IN ('it''s', 'b')"), BrokerQueues.filters(List.of("it's", "b")));
    }

    @Test
    void manyGroupsAreAskedForInChunks() throws Exception {
        String address = address("many");
        List<String> groups = IntStream.range(0, BrokerQueues.GROUPS_PER_FILTER * 2 + 1).mapToObj(i -> "conv-" + i).toList();
        send(address, groups.get(0));
        send(address, groups.get(groups.size() - 1));
        send(address, "conv-other");
        assertEquals(3, BrokerQueues.filters(groups).size());

        assertEquals(2, bus.removeWaiting(groups));
        assertEquals(List.of("conv-other"), groupsIn(address));
    }

    /** The limit the operators' guide states: what a consumer holds is not the broker's to remove until it is back. */
    @Test
    void aMessageAConsumerHoldsIsNotRemovedUntilItIsBackInTheQueue() throws Exception {
        String address = address("held");
        send(address, "conv-held");
        try (Connection c = bus.connectionFactory().createConnection();
             Session s = c.createSession(true, Session.SESSION_TRANSACTED);
             MessageConsumer consumer = s.createConsumer(s.createQueue(address))) {
            c.start();
            assertNotNull(consumer.receive(5000));
            assertEquals(0, bus.removeWaiting(List.of("conv-held")));
            s.rollback();
        }
        assertEquals(1, bus.removeWaiting(List.of("conv-held")), "back in the queue, it is removed");
    }

    @Test
    void anUnreachableBrokerIsReportedAsUnavailable() {
        ArtemisBus nowhere = ArtemisBus.connect("amqp://127.0.0.1:" + TestBroker.freePort() + "?amqp.idleTimeout=0", "test", "test");
        try {
            assertThrows(BusUnavailableException.class, () -> nowhere.removeWaiting(List.of("conv-1")));
        } finally {
            nowhere.deactivate();
        }
        assertEquals(0, bus.removeWaiting(List.of()), "no groups: the broker is not even asked");
    }
}
