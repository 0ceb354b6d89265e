package io.switchboard.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testkit.TestServer;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Bus isolation on the distribution as built: a plugin granted through the shell connects as
 * {@code plugin.<id>} with the password derived from the platform's, and the broker itself refuses it
 * every address it was not granted, across a restart and after the grant is revoked.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BusIsolationIT {

    static final String PASSWORD = "It-" + UUID.randomUUID();
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String PLUGIN = "probe";
    static final String READS = "sb.outbound.probe";
    /** Not in etc/artemis.xml: the plugin's first send must be allowed to create it. */
    static final String FRESH = "sb.probe.fresh";

    static TestServer server;

    @BeforeAll
    static void boot() {
        server = TestServer.unpack(TestServer.findDistribution(Path.of(System.getProperty("switchboard.distro.dir"))),
                Path.of(System.getProperty("switchboard.itest.dir")), PASSWORD);
        server.start();
    }

    @AfterAll
    static void shutDown() {
        if (server != null) {
            server.stop();
        }
    }

    /** The bus password bin/setenv generated at first start. */
    static String platformPassword() {
        try {
            return Files.readAllLines(server.home().resolve("etc/io.switchboard.bus.cfg"), StandardCharsets.UTF_8).stream()
                    .filter(l -> l.matches("\\s*password\\s*=.*")).map(l -> l.substring(l.indexOf('=') + 1).strip())
                    .findFirst().orElseThrow(() -> new IllegalStateException("no bus password in etc/io.switchboard.bus.cfg"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** HMAC-SHA256 keyed with the platform bus password over "plugin.<id>", base64url without padding. */
    static String derived(String plugin) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(platformPassword().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(("plugin." + plugin).getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Connection connect(String user, String password) throws JMSException {
        Connection connection = new JmsConnectionFactory(user, password, server.busUrl()).createConnection();
        try {
            connection.start();
            return connection;
        } catch (JMSException e) {
            connection.close();
            throw e;
        }
    }

    static Connection asPlugin() throws JMSException {
        return connect("plugin." + PLUGIN, derived(PLUGIN));
    }

    static Connection asPlatform() throws JMSException {
        return connect("switchboard-bus", platformPassword());
    }

    static void send(Connection connection, String address, String body) throws JMSException {
        try (Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
             MessageProducer producer = session.createProducer(session.createQueue(address))) {
            producer.send(session.createTextMessage(body), DeliveryMode.PERSISTENT, 4, 0);
        }
    }

    static String receive(Connection connection, String address) throws JMSException {
        try (Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
             MessageConsumer consumer = session.createConsumer(session.createQueue(address))) {
            TextMessage m = (TextMessage) consumer.receive(10_000);
            return m == null ? null : m.getText();
        }
    }

    /** The shell command is there once the bus bundle could manage the broker. */
    static String shell(String command) {
        return Api.await("the shell to run " + command, WAIT, () -> {
            String out = server.shell(command);
            return out.contains("Command not found") || out.contains("bus grants are not available") ? null : out;
        });
    }

    @Test
    @Order(1)
    void aPluginMayUseOnlyTheAddressesItWasGranted() throws Exception {
        String granted = shell("switchboard:bus-grant --reads " + READS + " --writes sb.inbound," + FRESH + " " + PLUGIN);
        assertTrue(granted.contains(PLUGIN + " may read [" + READS + "]"), granted);
        String listed = shell("switchboard:bus-grants");
        assertTrue(listed.contains("plugin." + PLUGIN) && listed.contains(READS) && listed.contains("sb.inbound"), listed);

        // the broker lets the plugin in by its grant: nothing of it is written to the realm's user file,
        // which the broker's logins and Karaf's encryption watcher read while it is rewritten
        String users = Files.readString(server.home().resolve("etc/users.properties"), StandardCharsets.UTF_8);
        assertFalse(users.contains("plugin." + PLUGIN), "no plugin user in users.properties: " + users);
        assertFalse(users.contains(derived(PLUGIN)), "never its password in clear");
        assertTrue(users.contains("switchboard-bus = {CRYPT}") && users.contains("admin = {CRYPT}"), "other users kept");

        try (Connection plugin = asPlugin(); Connection platform = asPlatform()) {
            send(plugin, "sb.inbound", "{\"probe\":\"granted write\"}");
            send(plugin, FRESH, "created by the plugin's first send");
            assertEquals("created by the plugin's first send", receive(platform, FRESH));

            JMSSecurityException undeclared = assertThrows(JMSSecurityException.class,
                    () -> send(plugin, "sb.outbound.sms", "not declared"));
            assertNotNull(undeclared.getMessage());
            assertThrows(JMSSecurityException.class, () -> send(plugin, READS, "reads are not writes"));
            assertThrows(JMSSecurityException.class, () -> receive(plugin, "sb.outbound.sms"), "nor may it read what it did not declare");

            send(platform, READS, "出站 for the plugin");
            assertEquals("出站 for the plugin", receive(plugin, READS));
            send(plugin, "DLQ." + READS, "its own dead letter");
            assertEquals("its own dead letter", receive(platform, "DLQ." + READS));
        }
    }

    /** A plugin bundle's own code: it takes the Bus service and reports what the broker let it do. */
    static final String PROBE_ACTIVATOR = """
            package probe;

            import io.switchboard.bus.Bus;
            import java.nio.file.Files;
            import java.nio.file.Path;
            import java.nio.file.StandardCopyOption;
            import java.util.Map;
            import org.osgi.framework.BundleActivator;
            import org.osgi.framework.BundleContext;
            import org.osgi.framework.ServiceReference;

            public class Activator implements BundleActivator {
                public void start(BundleContext context) {
                    Thread t = new Thread(() -> {
                        try {
                            ServiceReference<Bus> ref;
                            while ((ref = context.getServiceReference(Bus.class)) == null) {
                                Thread.sleep(200);
                            }
                            Bus bus = context.getService(ref);
                            String report = attempt(bus, "%s") + "\\n" + attempt(bus, "sb.outbound.sms") + "\\n";
                            Path result = Path.of(System.getProperty("karaf.data"), "probe-result.txt");
                            Path partial = Files.writeString(result.resolveSibling("probe-result.tmp"), report);
                            Files.move(partial, result, StandardCopyOption.ATOMIC_MOVE);
                        } catch (Exception e) {
                            e.printStackTrace();
                        }
                    }, "probe-plugin");
                    t.setDaemon(true);
                    t.start();
                }

                public void stop(BundleContext context) {
                }

                static String attempt(Bus bus, String address) {
                    try {
                        bus.send(address, "from the probe plugin bundle", Map.of());
                        return address + " sent";
                    } catch (RuntimeException e) {
                        StringBuilder why = new StringBuilder(address + " refused:");
                        for (Throwable c = e; c != null; c = c.getCause()) {
                            why.append(' ').append(c.getClass().getSimpleName());
                        }
                        return why.toString();
                    }
                }
            }
            """.formatted(FRESH);

    /** Compiles the probe plugin against the distribution's own bus API and packs it as a bundle. */
    static Path probeBundle(Path work) throws IOException {
        Path src = Files.createDirectories(work.resolve("src/probe"));
        Files.writeString(src.resolve("Activator.java"), PROBE_ACTIVATOR, StandardCharsets.UTF_8);
        Path classes = Files.createDirectories(work.resolve("classes"));
        Path busApi;
        try (var found = Files.walk(server.home().resolve("system/io/switchboard/switchboard-bus"))) {
            busApi = found.filter(p -> p.toString().endsWith(".jar")).findFirst().orElseThrow();
        }
        String classpath = busApi + java.io.File.pathSeparator + server.home().resolve("lib/boot/osgi.core-8.0.0.jar");
        int compiled = javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "17", "-cp", classpath,
                "-d", classes.toString(), src.resolve("Activator.java").toString());
        assertEquals(0, compiled, "the probe plugin compiles");

        java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        java.util.jar.Attributes main = manifest.getMainAttributes();
        main.putValue("Manifest-Version", "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "probe.plugin");
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Bundle-Activator", "probe.Activator");
        main.putValue("Import-Package", "io.switchboard.bus;version=\"[1.1,2)\",org.osgi.framework");
        main.putValue("Switchboard-Plugin", PLUGIN);
        Path jar = work.resolve("probe-plugin.jar");
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.putNextEntry(new java.util.jar.JarEntry("probe/Activator.class"));
            out.write(Files.readAllBytes(classes.resolve("probe/Activator.class")));
            out.closeEntry();
        }
        return jar;
    }

    @Test
    @Order(2)
    void aPluginBundlesBusIsHeldByTheBrokerToItsGrant() throws Exception {
        Path work = Files.createTempDirectory(server.home(), "probe-plugin");
        server.deploy(probeBundle(work));
        Path result = server.home().resolve("data/probe-result.txt");
        List<String> report = Api.await("the probe plugin's report", Duration.ofSeconds(60), () -> {
            try {
                return Files.exists(result) ? Files.readAllLines(result, StandardCharsets.UTF_8) : null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        assertEquals(FRESH + " sent", report.get(0), String.join("\n", report));
        assertTrue(report.get(1).startsWith("sb.outbound.sms refused:") && report.get(1).contains("JMSSecurityException"),
                String.join("\n", report));
        try (Connection platform = asPlatform()) {
            assertEquals("from the probe plugin bundle", receive(platform, FRESH));
        }
        Files.delete(server.home().resolve("deploy/probe-plugin.jar"));
    }

    @Test
    @Order(3)
    void aWrongPasswordOrAnotherPluginsNameIsRefused() throws IOException {
        assertThrows(JMSSecurityException.class, () -> connect("plugin." + PLUGIN, derived(PLUGIN) + "x").close());
        assertThrows(JMSSecurityException.class, () -> connect("plugin.other", derived("other")).close(), "never granted, no user");
        // a user line in users.properties (one an older version wrote) lets no plugin in: its grant alone decides
        Files.writeString(server.home().resolve("etc/users.properties"), "\nplugin.other = " + derived("other") + ",plugin.other\n",
                StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        assertThrows(JMSSecurityException.class, () -> connect("plugin.other", derived("other")).close(), "a user line but no grant");
    }

    @Test
    @Order(4)
    void grantsSurviveARestart() throws Exception {
        server.stop();
        server.start();
        assertTrue(shell("switchboard:bus-grants").contains(READS));
        try (Connection plugin = asPlugin()) {
            send(plugin, FRESH, "after the restart");
            assertThrows(JMSSecurityException.class, () -> send(plugin, "sb.outbound.sms", "still not declared"));
        }
        try (Connection platform = asPlatform()) {
            assertEquals("after the restart", receive(platform, FRESH));
        }
    }

    @Test
    @Order(5)
    void afterRevokeEvenTheGrantedAddressesAreDenied() throws Exception {
        try (Connection plugin = asPlugin()) {
            send(plugin, FRESH, "before the revoke");
            String revoked = shell("switchboard:bus-revoke " + PLUGIN);
            assertTrue(revoked.contains("revoked"), revoked);
            // the connection opened before the revoke loses its rights too
            assertThrows(JMSSecurityException.class, () -> send(plugin, FRESH, "after the revoke"));
        }
        assertThrows(JMSSecurityException.class, () -> {
            try (Connection plugin = asPlugin()) {
                send(plugin, "sb.inbound", "after the revoke");
            }
        });
        assertFalse(shell("switchboard:bus-grants").contains("plugin." + PLUGIN));
        try (Connection platform = asPlatform()) {
            send(platform, FRESH, "the platform keeps every right");
            assertEquals("before the revoke", receive(platform, FRESH));
        }
    }
}
