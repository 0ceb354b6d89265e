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
import java.util.Map;
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

    static final String VIEWER_PASSWORD = "Vw-" + UUID.randomUUID();
    static final String AGENT_PASSWORD = "Ag-" + UUID.randomUUID();
    /** Secrets an operator writes in clear into etc/*.cfg, as the channels' and systems' docs say. */
    static final Map<String, String> SECRETS = Map.of(
            "io.switchboard.channel.voice/secret", "voice-" + UUID.randomUUID(),
            "io.switchboard.channel.wechat/token", "tok" + UUID.randomUUID().toString().replace("-", "").substring(0, 20),
            "io.switchboard.channel.wechat/appSecret", "app-" + UUID.randomUUID(),
            "io.switchboard.system.booking/apiKey", "key-" + UUID.randomUUID(),
            "io.switchboard.system.booking/webhookSecret", "hook-" + UUID.randomUUID(),
            "io.switchboard.system.logistics/callbackSecret", "cb-" + UUID.randomUUID());

    @BeforeAll
    static void boot() {
        server = Distribution.unpack(PASSWORD)
                .addUser("watcher", VIEWER_PASSWORD, "viewergroup")
                .addAgent("agent1", AGENT_PASSWORD);
        SECRETS.forEach((where, secret) -> server.configure(where.substring(0, where.indexOf('/')), where.substring(where.indexOf('/') + 1), secret));
        server.requireRoutes("switchboard-conversation/conversation-inbound");
        server.start();
    }

    @AfterAll
    static void shutDown() {
        if (server != null) {
            server.stop();
        }
    }

    /** The bus password bin/setenv generated at first start, in a file of its own. */
    static String platformPassword() {
        try {
            return Files.readString(server.home().resolve("etc/secrets/switchboard-bus.password"), StandardCharsets.UTF_8);
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
            // nor write the dead-letter queue of what it reads: a replay would carry its words on to READS
            assertThrows(JMSSecurityException.class, () -> send(plugin, "DLQ." + READS, "planted"));
        }
    }

    @Test
    @Order(2)
    void whatAPluginFailsOnTheBrokerDeadLettersAsItWasSent() throws Exception {
        try (Connection platform = asPlatform(); Connection plugin = asPlugin()) {
            send(platform, READS, "失败的消息 the plugin cannot handle");
            // the plugin's route fails and rolls back each time, as DeadLetters does when it may not write the DLQ
            try (Session session = plugin.createSession(true, Session.SESSION_TRANSACTED);
                 MessageConsumer consumer = session.createConsumer(session.createQueue(READS))) {
                int deliveries = 0;
                for (TextMessage m; (m = (TextMessage) consumer.receive(15_000)) != null; deliveries++) {
                    assertEquals("失败的消息 the plugin cannot handle", m.getText());
                    session.rollback();
                }
                assertEquals(10, deliveries, "etc/artemis.xml's max-delivery-attempts");
            }
            // in the queue operators read and replay, not the broker's catch-all
            assertEquals("失败的消息 the plugin cannot handle", receive(platform, "DLQ." + READS));
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
                            String report = attempt(bus, "%s") + "\\n" + attempt(bus, "sb.outbound.sms") + "\\n"
                                    + "grants " + (context.getServiceReference("io.switchboard.bus.BusGrants") == null ? "hidden" : "found")
                                    + " buses " + context.getServiceReferences(Bus.class, null).size() + "\\n";
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
    @Order(3)
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
        // it cannot grant itself more, nor reach the platform's own connection: it sees its Bus only
        assertEquals("grants hidden buses 1", report.get(2), String.join("\n", report));
        try (Connection platform = asPlatform()) {
            assertEquals("from the probe plugin bundle", receive(platform, FRESH));
        }
        Files.delete(server.home().resolve("deploy/probe-plugin.jar"));
    }

    @Test
    @Order(4)
    void aWrongPasswordOrAnotherPluginsNameIsRefused() throws IOException {
        assertThrows(JMSSecurityException.class, () -> connect("plugin." + PLUGIN, derived(PLUGIN) + "x").close());
        assertThrows(JMSSecurityException.class, () -> connect("plugin.other", derived("other")).close(), "never granted, no user");
        // a user line in users.properties (one an older version wrote) lets no plugin in: its grant alone decides
        Files.writeString(server.home().resolve("etc/users.properties"), "\nplugin.other = " + derived("other") + ",plugin.other\n",
                StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        assertThrows(JMSSecurityException.class, () -> connect("plugin.other", derived("other")).close(), "a user line but no grant");
    }

    @Test
    @Order(5)
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
    @Order(6)
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

    /** One Jolokia request to the console, as Hawtio's pages send them, in the name of {@code user}. */
    static jakarta.json.JsonObject jolokia(String user, String password, String request) throws Exception {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(server.url("/hawtio/jolokia/"))
                        .header("Authorization", TestServer.basicAuth(user, password))
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(request, StandardCharsets.UTF_8)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() != 200) {
            return jakarta.json.Json.createObjectBuilder().add("status", r.statusCode()).add("http", true).build();
        }
        try (var reader = jakarta.json.Json.createReader(new java.io.StringReader(r.body()))) {
            return reader.readObject();
        }
    }

    static String exec(String mbean, String operation, String... arguments) {
        var args = jakarta.json.Json.createArrayBuilder();
        for (String a : arguments) {
            args.add(a);
        }
        return jakarta.json.Json.createObjectBuilder().add("type", "exec").add("mbean", mbean).add("operation", operation)
                .add("arguments", args).build().toString();
    }

    static String read(String mbean, String attribute) {
        return jakarta.json.Json.createObjectBuilder().add("type", "read").add("mbean", mbean).add("attribute", attribute).build().toString();
    }

    @Test
    @Order(7)
    void theBrokersOwnAccountAndAnAgentCannotUseTheConsole() throws Exception {
        jakarta.json.JsonObject bus = jolokia("switchboard-bus", platformPassword(), read("java.lang:type=Memory", "HeapMemoryUsage"));
        assertTrue(bus.getBoolean("http", false) && bus.getInt("status") >= 401 && bus.getInt("status") <= 403, bus.toString());
        jakarta.json.JsonObject agent = jolokia("agent1", AGENT_PASSWORD, read("java.lang:type=Memory", "HeapMemoryUsage"));
        assertTrue(agent.getBoolean("http", false) && agent.getInt("status") >= 401 && agent.getInt("status") <= 403, agent.toString());
        // the bus still works with that account: it is the broker's, and only the broker's
        try (Connection platform = asPlatform()) {
            send(platform, "sb.probe.console", "the bus account still reaches the broker");
            assertEquals("the bus account still reaches the broker", receive(platform, "sb.probe.console"));
        }
    }

    @Test
    @Order(8)
    void aViewerReadsTheFiguresButEveryChangeAndEveryMessageBodyIsRefused() throws Exception {
        String camelRoute = Api.await("the inbound route's MBean", WAIT, () -> {
            try {
                var found = jolokia(TestServer.ADMIN, PASSWORD, "{\"type\":\"search\",\"mbean\":\"org.apache.camel:type=routes,*\"}")
                        .getJsonArray("value");
                return found.stream().map(v -> ((jakarta.json.JsonString) v).getString())
                        .filter(n -> n.contains("conversation-inbound")).findFirst().orElse(null);
            } catch (Exception e) {
                return null;
            }
        });
        String broker = "org.apache.activemq.artemis:broker=\"switchboard\"";
        String inboundQueue = broker + ",component=addresses,address=\"sb.inbound\",subcomponent=queues,routing-type=\"anycast\",queue=\"sb.inbound\"";

        // what a viewer is for: the figures
        for (String figure : List.of(read("java.lang:type=Memory", "HeapMemoryUsage"), read(camelRoute, "ExchangesTotal"),
                read(inboundQueue, "MessageCount"), read(broker, "Version"))) {
            jakarta.json.JsonObject r = jolokia("watcher", VIEWER_PASSWORD, figure);
            assertEquals(200, r.getInt("status"), figure + " -> " + r);
        }
        // and nothing else: each of these answers 403 and changes nothing
        Map<String, String> changes = Map.of(
                "bundle install", exec("org.apache.karaf:type=bundle,name=root", "install(java.lang.String)", "mvn:org.example/evil/1.0"),
                "feature install", exec("org.apache.karaf:type=feature,name=root", "installFeature(java.lang.String)", "webconsole"),
                "config set", exec("org.apache.karaf:type=config,name=root", "setProperty(java.lang.String,java.lang.String,java.lang.String)",
                        "io.switchboard.kpis", "windowMinutes", "1"),
                "route stop", exec(camelRoute, "stop()"),
                "Artemis delete", exec(broker, "deleteAddress(java.lang.String)", "sb.inbound"),
                "message bodies", exec(inboundQueue, "browse()"),
                "message list", exec(inboundQueue, "listMessagesAsJSON(java.lang.String)", ""));
        for (Map.Entry<String, String> change : changes.entrySet()) {
            jakarta.json.JsonObject r = jolokia("watcher", VIEWER_PASSWORD, change.getValue());
            assertEquals(403, r.getInt("status"), change.getKey() + " -> " + r);
        }
        assertEquals("Started", jolokia(TestServer.ADMIN, PASSWORD, read(camelRoute, "State")).getString("value"),
                "the route still runs");
        assertEquals(200, jolokia(TestServer.ADMIN, PASSWORD, exec(inboundQueue, "countMessages()")).getInt("status"),
                "admin may do what a viewer may not");
    }

    @Test
    @Order(9)
    void noRoleReadsASecretThroughJmxAndTheChannelsStillHaveThem() throws Exception {
        // every secret written in clear moved to a file of its own; the .cfg names it
        for (Map.Entry<String, String> secret : SECRETS.entrySet()) {
            String pid = secret.getKey().substring(0, secret.getKey().indexOf('/'));
            String key = secret.getKey().substring(pid.length() + 1);
            Path cfg = server.home().resolve("etc/" + pid + ".cfg");
            String text = Api.await(pid + " to name its " + key, WAIT, () -> {
                try {
                    String t = Files.readString(cfg, StandardCharsets.UTF_8);
                    return t.contains(key + " = $[secret:" + pid + "." + key + "]") ? t : null;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            assertFalse(text.contains(secret.getValue()), cfg + " still holds the secret");
            assertEquals(secret.getValue(), Files.readString(server.home().resolve("etc/secrets/" + pid + "." + key), StandardCharsets.UTF_8));
        }
        List<String> secrets = new java.util.ArrayList<>(SECRETS.values());
        secrets.add(platformPassword());

        // each role lists every configuration and reads each one's properties, as Hawtio's config page does
        for (String[] who : new String[][] {{TestServer.ADMIN, PASSWORD}, {"watcher", VIEWER_PASSWORD}}) {
            jakarta.json.JsonObject configs = jolokia(who[0], who[1], read("org.apache.karaf:type=config,name=root", "Configs"));
            assertEquals(200, configs.getInt("status"), configs.toString());
            List<String> pids = configs.getJsonArray("value").stream().map(v -> ((jakarta.json.JsonString) v).getString()).toList();
            assertTrue(pids.contains("io.switchboard.bus") && pids.contains("io.switchboard.channel.wechat"), pids.toString());
            StringBuilder everything = new StringBuilder();
            for (String pid : pids) {
                jakarta.json.JsonObject properties = jolokia(who[0], who[1], exec("org.apache.karaf:type=config,name=root",
                        "listProperties(java.lang.String)", pid));
                everything.append(properties);
            }
            assertTrue(everything.toString().contains("$[secret:switchboard-bus.password]"), who[0] + " read the configurations");
            for (String secret : secrets) {
                assertFalse(everything.toString().contains(secret), who[0] + " read a secret in clear through JMX");
            }
        }

        // the channel got its secret all the same: a call event signed with it is taken
        String body = "{\"callId\":\"c-secret\",\"event\":\"offered\",\"ani\":\"+8613800138099\"}";
        String ts = String.valueOf(java.time.Instant.now().getEpochSecond());
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRETS.get("io.switchboard.channel.voice/secret").getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = "sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal((ts + "." + body).getBytes(StandardCharsets.UTF_8)));
        int status = Api.await("the voice channel to take a signed event", WAIT, () -> {
            try {
                int s = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(server.url("/switchboard/api/voice/events"))
                        .header("Content-Type", "application/json").header("X-Switchboard-Timestamp", ts)
                        .header("X-Switchboard-Signature", signature)
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode();
                return s == 202 || s == 200 ? s : null;
            } catch (Exception e) {
                return null;
            }
        });
        assertTrue(status == 202 || status == 200, "status " + status);
    }
}
