package io.switchboard.systems;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.DomainEvent;
import io.switchboard.api.SystemReply;
import io.switchboard.api.SystemRequest;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.bus.internal.ArtemisBus;
import io.switchboard.testkit.TestBroker;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * A system connector's request route on a real broker, as its tests drive it: requests sent the way
 * the platform sends them, the one reply read from the reply queue, and the breaker's
 * {@code system.*} events as they come. Connector bundles get it from this module's test jar, so a
 * change to how a request travels is made here once.
 */
public final class ConnectorBench implements AutoCloseable {

    public static final String REPLIES = BusAddress.systemReply("test");

    private final CanonicalJson json = new CanonicalJson();
    private final String system;
    private final TestBroker broker;
    private final ArtemisBus bus;
    private final SystemConnector connector;
    private final CamelContext camel;
    private final Connection events;
    private final MessageConsumer eventConsumer;

    private ConnectorBench(String system, TestBroker broker, SystemCall call, CallPolicy policy) throws Exception {
        this.system = system;
        this.broker = broker;
        bus = ArtemisBus.connect(broker.amqpUrl(), "test", "test");
        connector = new SystemConnector(system, bus, call, policy);
        // listening before the route starts, so no system.down is missed
        events = bus.connectionFactory().createConnection();
        Session session = events.createSession(false, Session.AUTO_ACKNOWLEDGE);
        eventConsumer = session.createConsumer(session.createTopic(BusAddress.EVENTS));
        events.start();
        camel = new DefaultCamelContext();
        camel.addComponent("bus", BundleRoutes.busComponent(bus));
        camel.addRoutes(connector.routes());
        camel.start();
    }

    /** A fresh broker with {@code system}'s connector taking requests from it through {@code call}. */
    public static ConnectorBench start(String system, SystemCall call, CallPolicy policy) throws Exception {
        TestBroker broker = TestBroker.start();
        try {
            return new ConnectorBench(system, broker, call, policy);
        } catch (Exception | Error e) {
            broker.close();
            throw e;
        }
    }

    public TestBroker broker() {
        return broker;
    }

    public SystemConnector connector() {
        return connector;
    }

    /** Asks the system on the bus for customer c-1, outside any conversation, with the request id as duplicate id. */
    public void ask(String id, String operation, Map<String, String> params) {
        send(new SystemRequest(id, system, operation, params, "c-1", null, REPLIES, Instant.now(), null), id);
    }

    public void send(SystemRequest request, String duplicateId) {
        bus.send(BusAddress.systemRequest(system), json.toJson(request), Map.of(BusAddress.DUPLICATE_ID, duplicateId));
    }

    /** @return the next reply on {@link #REPLIES}, or null if none comes within the time */
    public SystemReply reply(long timeoutMs) throws Exception {
        TextMessage m = TestBroker.receive(bus.connectionFactory(), REPLIES, timeoutMs);
        return m == null ? null : json.fromJson(m.getText(), SystemReply.class);
    }

    /** @return every {@code system.*} event published during the whole time, in order */
    public List<DomainEvent> systemEvents(long timeoutMs) throws Exception {
        List<DomainEvent> seen = new ArrayList<>();
        long end = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < end) {
            TextMessage m = (TextMessage) eventConsumer.receive(100);
            if (m != null) {
                DomainEvent e = json.fromJson(m.getText(), DomainEvent.class);
                if (e.type().startsWith("system.")) {
                    seen.add(e);
                }
            }
        }
        return seen;
    }

    @Override
    public void close() throws Exception {
        connector.stop();
        camel.stop();
        events.close();
        bus.deactivate();
        broker.close();
    }
}
