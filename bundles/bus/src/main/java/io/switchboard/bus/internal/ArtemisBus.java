package io.switchboard.bus.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.Direction;
import io.switchboard.api.Message;
import io.switchboard.bus.Bus;
import io.switchboard.bus.BusBatch;
import io.switchboard.bus.BusGrants;
import io.switchboard.bus.BusUnavailableException;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceRegistration;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bus over AMQP 1.0 to the Artemis broker embedded in the same Karaf.
 *
 * <p>The broker starts in the same boot and may not listen yet when this activates. The {@link Bus}
 * service is registered only once the broker has answered: everything that needs the bus waits for
 * the service instead of racing the broker, whose refusals every listener would otherwise log and
 * try again ({@link BusListener}).
 *
 * <p>The service is bundle-scoped: a plugin bundle (header {@code Switchboard-Plugin}) gets a Bus of its
 * own, connected as {@code plugin.<id>}, so the broker holds it to what {@link io.switchboard.bus.BusGrants}
 * granted; every other bundle shares this one, connected as the platform user.
 */
// service = {}: the Bus is registered by hand once the broker answers, never by DS at activation
@Component(service = {}, immediate = true, configurationPid = "io.switchboard.bus", configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = ArtemisBus.Config.class)
public class ArtemisBus implements Bus {

    private static final Logger LOG = LoggerFactory.getLogger(ArtemisBus.class);
    /** A plugin's own pool: a plugin is one bundle, the platform's pool serves them all. */
    private static final int PLUGIN_CONNECTIONS = 2;
    /** How long a plugin's refused login is tried again (RetriedLogins): well inside an HTTP client's patience. */
    static final Duration PLUGIN_LOGIN_PATIENCE = Duration.ofSeconds(5);

    @ObjectClassDefinition(name = "Switchboard bus", description = "Connection to the Artemis broker")
    public @interface Config {
        @AttributeDefinition(description = "AMQP URL of the broker")
        String url() default "amqp://127.0.0.1:61616";

        String user() default "switchboard-bus";

        @AttributeDefinition(type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD)
        String password();

        @AttributeDefinition(description = "Pooled connections")
        int maxConnections() default 4;

        @AttributeDefinition(description = "Minutes a message that failed on an outage (the database, the broker or a "
                + "remote system away) is tried again, with back-off, before it is dead-lettered")
        int outageRetryMinutes() default 10;
    }

    /** One binding for every bus: building a Jsonb is costly, using one is thread-safe. */
    private static final class Binding {
        static final CanonicalJson JSON = new CanonicalJson();
    }

    private JmsPoolConnectionFactory pool;
    /**
     * The bus' own sends (a customer's message taken over HTTP, a reply, an event) on connections of
     * their own: the routes' consumers share {@link #pool}, and a consumer waiting in a redelivery holds
     * its connection's lock while that connection closes after a cut, which held every send on it.
     */
    private JmsPoolConnectionFactory sends;
    static final long CONNECT_TIMEOUT_MILLIS = 5_000;
    /** Longest wait for the broker's answer to a send, a commit or a consumer's creation. */
    static final long REQUEST_TIMEOUT_MILLIS = 15_000;
    private volatile boolean closed;
    private Thread waiter;
    private ServiceRegistration<?> registration;
    private Config config;
    /** Package-private: a test shortens it. */
    Duration outageRetry = DEFAULT_OUTAGE_RETRY;
    private String user;
    /** How this bus's own connections are made, for the batch consumers' unpooled ones. */
    private java.util.function.Supplier<ConnectionFactory> batchFactory;
    /** Unpooled connections whose producers are named, for the broker's management (BrokerQueues). */
    private ConnectionFactory unpooled;

    /** A bus outside the container: tests and the benchmark use this. Close it with {@link #deactivate()}. */
    public static ArtemisBus connect(String url, String user, String password) {
        ArtemisBus bus = new ArtemisBus();
        bus.open(url, user, password, 4, Duration.ZERO);
        return bus;
    }

    /** The platform bus as configured, not registered: {@link #activate} registers it. */
    static ArtemisBus platform(Config config) {
        ArtemisBus bus = new ArtemisBus();
        bus.config = config;
        bus.outageRetry = Duration.ofMinutes(config.outageRetryMinutes());
        bus.open(config.url(), config.user(), config.password(), config.maxConnections(), Duration.ZERO);
        return bus;
    }

    @Activate
    void activate(BundleContext context, Config config) {
        this.config = config;
        this.outageRetry = Duration.ofMinutes(config.outageRetryMinutes());
        open(config.url(), config.user(), config.password(), config.maxConnections(), Duration.ZERO);
        URI broker = URI.create(config.url());
        waiter = new Thread(() -> registerWhenReachable(context, broker), "switchboard-bus-wait");
        waiter.setDaemon(true);
        waiter.start();
    }

    private void registerWhenReachable(BundleContext context, URI broker) {
        long pause = 200;
        while (!closed) {
            // a bare TCP probe first: Qpid logs every refused connection as an ERROR
            if (listening(broker) && isReachable()) {
                synchronized (this) {
                    if (!closed) {
                        // by class name and as an Object: the typed overload names ServiceFactory in this class's
                        // bytecode, and ArtemisBus.connect (tests, the benchmark) runs without OSGi on the class path
                        registration = context.registerService(Bus.class.getName(), (Object) new PluginBuses(), null);
                    }
                }
                return;
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                return;
            }
            pause = Math.min(pause * 2, 2000);
        }
    }

    /** The platform's Bus for platform bundles, a Bus of its own for each plugin bundle. */
    private final class PluginBuses implements ServiceFactory<Bus> {

        @Override
        public Bus getService(Bundle bundle, ServiceRegistration<Bus> registration) {
            return busFor(bundle);
        }

        @Override
        public void ungetService(Bundle bundle, ServiceRegistration<Bus> registration, Bus bus) {
            release(bus);
        }
    }

    /** This bus for a platform bundle; a new one connected as {@code plugin.<id>} for a plugin bundle; null for a malformed id. */
    Bus busFor(Bundle bundle) {
        // raw headers: a localized value must not decide which user a bundle connects as
        String plugin = bundle.getHeaders("").get(BusGrants.PLUGIN_HEADER);
        if (plugin == null) {
            return this;
        }
        plugin = plugin.strip();
        if (!PluginCredentials.PLUGIN_ID.matcher(plugin).matches()) {
            // no bus rather than the platform's: a malformed id must not fall back to full rights
            LOG.error("Bundle {} names no valid plugin id in {}: '{}'; it gets no Bus", bundle.getSymbolicName(),
                    BusGrants.PLUGIN_HEADER, plugin);
            return null;
        }
        ArtemisBus own = new ArtemisBus();
        own.outageRetry = outageRetry;
        own.open(config.url(), PluginCredentials.user(plugin), PluginCredentials.password(config.password(), plugin),
                PLUGIN_CONNECTIONS, PLUGIN_LOGIN_PATIENCE);
        // A bundle started by hand may come before its grant: the plugin gets its Bus once a real login as
        // its user has succeeded, never on the strength of the grant alone (a listener refused meanwhile
        // would try again every 2 s, and say so).
        long pause = 100;
        for (long deadline = System.nanoTime() + 20_000_000_000L; !own.isReachable(); pause = Math.min(pause * 2, 1000)) {
            if (System.nanoTime() > deadline) {
                LOG.warn("The broker does not let plugin {} in as {}: is it granted (switchboard:bus-grants)?", plugin,
                        PluginCredentials.user(plugin));
                break;
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return own;
    }

    /** A plugin's bus is closed when its bundle lets it go; the platform's lives with the component. */
    void release(Bus bus) {
        if (bus != this && bus instanceof ArtemisBus own) {
            own.deactivate();
        }
    }

    /** The broker user this bus connects as. */
    String user() {
        return user;
    }

    /** @param loginPatience how long a refused login is tried again; zero: never (the platform's user is fixed) */
    private void open(String url, String user, String password, int maxConnections, Duration loginPatience) {
        this.user = user;
        JmsConnectionFactory qpid = new JmsConnectionFactory(user, password, url);
        // Sends must be synchronous and persistent: a 202 to a customer means the broker has the message.
        qpid.setForceSyncSend(true);
        // a broker that is away must fail a send within seconds (an outage, retried or kept in the
        // outbox), never hold the HTTP thread that sent it: without these, a send on a connection cut
        // half-way waits for the broker without end
        bounded(qpid);
        batchFactory = () -> {
            JmsConnectionFactory batches = new JmsConnectionFactory(user, password, url);
            // a batch takes what its consumer has prefetched: a receive that finds nothing must not ask the
            // broker to drain, which stops the consumer's credit until the busy broker answers
            batches.setReceiveLocalOnly(true);
            batches.setReceiveNoWaitLocalOnly(true);
            // sends inside the batch's transaction need not wait one by one: its commit is synchronous,
            // and fails if any of them failed
            batches.setForceSyncSend(false);
            batches.setClientIDPrefix("switchboard-batch-");
            bounded(batches);
            return loginPatience.isZero() ? batches : new RetriedLogins(batches, loginPatience);
        };
        qpid.setClientIDPrefix("switchboard-");
        unpooled = loginPatience.isZero() ? qpid : new RetriedLogins(qpid, loginPatience);
        pool = pooled(loginPatience.isZero() ? qpid : new RetriedLogins(qpid, loginPatience), maxConnections);
        sends = pooled(loginPatience.isZero() ? qpid : new RetriedLogins(qpid, loginPatience), maxConnections);
    }

    private static JmsPoolConnectionFactory pooled(jakarta.jms.ConnectionFactory target, int maxConnections) {
        JmsPoolConnectionFactory pooled = new JmsPoolConnectionFactory();
        pooled.setConnectionFactory(target);
        pooled.setMaxConnections(Math.max(1, maxConnections));
        pooled.setConnectionCheckInterval(10_000);
        pooled.setUseAnonymousProducers(true);
        return pooled;
    }

    private static void bounded(JmsConnectionFactory factory) {
        factory.setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
        factory.setRequestTimeout(REQUEST_TIMEOUT_MILLIS);
        factory.setSendTimeout(REQUEST_TIMEOUT_MILLIS);
        factory.setCloseTimeout(CONNECT_TIMEOUT_MILLIS);
    }

    private static boolean listening(URI broker) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(broker.getHost(), broker.getPort() > 0 ? broker.getPort() : 5672), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Deactivate
    public void deactivate() {
        synchronized (this) {
            closed = true;
            if (registration != null) {
                registration.unregister();
                registration = null;
            }
        }
        if (waiter != null) {
            waiter.interrupt();
        }
        pool.stop();
        sends.stop();
    }

    @Override
    public ConnectionFactory connectionFactory() {
        return pool;
    }

    /** A factory of unpooled connections as this bus's user, for a route's listener ({@link BusComponent}). */
    ConnectionFactory listenerConnectionFactory() {
        return unpooled;
    }

    /** A factory of unpooled connections as this bus's user, for a batch consumer's own connection ({@link BatchConsumer}). */
    ConnectionFactory batchConnectionFactory() {
        return batchFactory.get();
    }

    @Override
    public void inbound(Message message) {
        send(BusAddress.INBOUND, Binding.JSON.toJson(message), inboundProperties(message));
    }

    /** The duplicate id and group of a customer's message on {@code sb.inbound}: one rule for every channel. */
    static Map<String, Object> inboundProperties(Message message) {
        // the record itself requires the id, the direction and the address
        if (message == null || message.direction() != Direction.INBOUND) {
            throw new IllegalArgumentException("sb.inbound takes a customer's (INBOUND) message");
        }
        String group = message.conversationId() != null ? message.conversationId() : message.address().toString();
        return Map.of(BusAddress.DUPLICATE_ID, message.deduplicationId(), BusAddress.GROUP_ID, group,
                BusAddress.PAYLOAD_TYPE, "Message");
    }

    @Override
    public void send(String address, String body, Map<String, Object> properties) {
        deliver(address, false, body, properties);
    }

    @Override
    public void publish(String address, String body, Map<String, Object> properties) {
        deliver(address, true, body, properties);
    }

    private void deliver(String address, boolean multicast, String body, Map<String, Object> properties) {
        try (Connection connection = sends.createConnection();
             Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
             MessageProducer producer = session.createProducer(null)) {
            send(session, producer, new BusBatch.Outgoing(address, multicast, body, properties));
        } catch (JMSException | RuntimeException e) {
            throw new BusUnavailableException("bus did not take the message for " + address + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void sendAll(List<BusBatch.Outgoing> messages) {
        if (messages.isEmpty()) {
            return;
        }
        try (Connection connection = sends.createConnection();
             Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
             MessageProducer producer = session.createProducer(null)) {
            try {
                for (BusBatch.Outgoing out : messages) {
                    send(session, producer, out);
                }
                session.commit();
            } catch (JMSException | RuntimeException e) {
                try {
                    session.rollback();
                } catch (JMSException | RuntimeException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        } catch (JMSException | RuntimeException e) {
            throw new BusUnavailableException("bus did not take " + messages.size() + " messages for "
                    + messages.get(0).address() + "…: " + e.getMessage(), e);
        }
    }

    private static void send(Session session, MessageProducer producer, BusBatch.Outgoing out) throws JMSException {
        Destination destination = out.multicast() ? session.createTopic(out.address()) : session.createQueue(out.address());
        TextMessage message = session.createTextMessage(out.body());
        if (out.properties() != null) {
            for (Map.Entry<String, Object> p : out.properties().entrySet()) {
                if (p.getValue() != null) {
                    message.setObjectProperty(p.getKey(), p.getValue());
                }
            }
        }
        producer.send(destination, message, DeliveryMode.PERSISTENT, jakarta.jms.Message.DEFAULT_PRIORITY, 0);
    }

    @Override
    public int removeWaiting(Collection<String> groups) {
        return new BrokerQueues(unpooled, Binding.JSON).removeGroups(groups);
    }

    @Override
    public Duration outageRetry() {
        return outageRetry;
    }

    @Override
    public boolean isReachable() {
        try (Connection connection = sends.createConnection()) {
            connection.start();
            return true;
        } catch (JMSException | RuntimeException e) {
            return false;
        }
    }
}
