package io.switchboard.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

/**
 * A real Artemis broker with a persistent journal on a free port, configured like the server's
 * {@code etc/artemis.xml}: duplicate detection, {@code DLQ.}-prefixed dead-letter queues for
 * {@code sb.#}, multicast events. {@link #restart()} keeps the journal, so a test can prove a message
 * survives.
 */
public final class TestBroker implements AutoCloseable {

    private final Path dataDir;
    private final int port;
    private EmbeddedActiveMQ server;

    private TestBroker(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port;
    }

    public static TestBroker start() {
        try {
            TestBroker broker = new TestBroker(Files.createTempDirectory("sb-broker"), freePort());
            broker.boot();
            return broker;
        } catch (Exception e) {
            throw new IllegalStateException("test broker did not start", e);
        }
    }

    private void boot() throws Exception {
        Configuration config = new ConfigurationImpl()
                .setPersistenceEnabled(true)
                .setSecurityEnabled(false)
                .setJournalDirectory(dataDir.resolve("journal").toString())
                .setBindingsDirectory(dataDir.resolve("bindings").toString())
                .setPagingDirectory(dataDir.resolve("paging").toString())
                .setLargeMessagesDirectory(dataDir.resolve("large").toString())
                .setIDCacheSize(20_000)
                .setPersistIDCache(true)
                .setJMXManagementEnabled(false)
                .setGlobalMaxSize(64L * 1024 * 1024);
        config.addAcceptorConfiguration("all", "tcp://127.0.0.1:" + port + "?protocols=CORE,AMQP");
        config.addAddressSetting("sb.#", sbSettings());
        config.addAddressSetting("sb.events", sbSettings().setDefaultAddressRoutingType(RoutingType.MULTICAST));
        config.setName("switchboard-test");
        server = new EmbeddedActiveMQ().setConfiguration(config);
        server.start();
    }

    private static AddressSettings sbSettings() {
        return new AddressSettings()
                .setDeadLetterAddress(SimpleString.of("DLQ"))
                .setAutoCreateDeadLetterResources(true)
                .setDeadLetterQueuePrefix(SimpleString.of("DLQ."))
                .setMaxDeliveryAttempts(10)
                .setRedeliveryDelay(100)
                .setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE)
                .setAutoCreateAddresses(true)
                .setAutoCreateQueues(true);
    }

    /** AMQP URL for Qpid JMS, as in the server's {@code etc/io.switchboard.bus.cfg}. */
    public String amqpUrl() {
        return "amqp://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Stops the broker as a crash would leave it (journal kept) and starts it again on the same port. */
    public void restart() {
        try {
            server.stop();
            boot();
        } catch (Exception e) {
            throw new IllegalStateException("test broker did not restart", e);
        }
    }

    /** Messages waiting on the anycast queue of {@code address}, or 0 if it does not exist. */
    public long messageCount(String address) {
        var queue = server.getActiveMQServer().locateQueue(SimpleString.of(address));
        return queue == null ? 0 : queue.getMessageCount();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            deleteTree(dataDir);
        }
    }

    /** Takes one message off {@code queue}, or null if none comes within {@code timeoutMs}. */
    public static jakarta.jms.TextMessage receive(jakarta.jms.ConnectionFactory factory, String queue, long timeoutMs)
            throws jakarta.jms.JMSException {
        try (jakarta.jms.Connection c = factory.createConnection();
             jakarta.jms.Session s = c.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
             jakarta.jms.MessageConsumer consumer = s.createConsumer(s.createQueue(queue))) {
            c.start();
            return (jakarta.jms.TextMessage) consumer.receive(timeoutMs);
        }
    }

    /**
     * The value of {@code property} on each message waiting in {@code queue}, in order, without taking
     * any (a queue browser): what a test expects to wait there, or to be gone.
     */
    public static java.util.List<String> browse(jakarta.jms.ConnectionFactory factory, String queue, String property)
            throws jakarta.jms.JMSException {
        try (jakarta.jms.Connection c = factory.createConnection();
             jakarta.jms.Session s = c.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
             jakarta.jms.QueueBrowser browser = s.createBrowser(s.createQueue(queue))) {
            c.start();
            java.util.List<String> values = new java.util.ArrayList<>();
            for (java.util.Enumeration<?> e = browser.getEnumeration(); e.hasMoreElements(); ) {
                values.add(((jakarta.jms.Message) e.nextElement()).getStringProperty(property));
            }
            return values;
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is not worth failing a test for
        }
    }
}
