package io.switchboard.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.switchboard.testkit.TestServer;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * What a newcomer does, start to end: a channel plugin generated from the archetype under a fresh
 * name, built and tested with its generated tests (the in-distribution one boots the real server),
 * signed with their own Ed25519 key, published to a running server's catalog with the Maven plugin,
 * previewed and installed by the operator, traffic sent through it; then 1.0.1 published and the
 * plugin upgraded while 500 agent replies a second flow through it to the outside world, and rolled
 * back under the same load. Every reply the bus took reaches the outside world exactly once; the
 * longest pause in deliveries is printed.
 */
class PluginMarketplaceIT {

    static final String PASSWORD = "It-" + UUID.randomUUID();
    static final Duration WAIT = Duration.ofSeconds(90);
    static final int RATE = 500;
    static final int LOAD_SECONDS = 10;
    /** Install, first message, uninstall: how many times in a row (a race lost once in twenty fails the test). */
    static final int INSTALL_ROUNDS = 20;

    static TestServer server;
    static HttpServer outside;

    /** The outside world's API: every delivery's message id and when it came. */
    static final Map<String, AtomicInteger> delivered = new ConcurrentHashMap<>();
    static final ConcurrentLinkedQueue<long[]> arrivals = new ConcurrentLinkedQueue<>();

    @AfterAll
    static void shutDown() {
        if (server != null) {
            server.stop();
        }
        if (outside != null) {
            outside.stop(0);
        }
    }

    @Test
    void aNewcomersChannelGoesFromTheArchetypeToAnUpgradeUnderLoadAndBack() throws Exception {
        String name = "nc" + UUID.randomUUID().toString().replaceAll("[^a-z]", "").substring(0, 6);
        String artifactId = name + "-channel";
        String channelClass = name.substring(0, 1).toUpperCase(Locale.ROOT) + name.substring(1);
        String pkg = "com.example." + name;
        Path home = Path.of(System.getProperty("switchboard.itest.dir")).resolve("newcomer-" + name);
        Newcomer newcomer = new Newcomer(home);

        // generate, under a fresh name
        newcomer.mvn(home, "org.apache.maven.plugins:maven-archetype-plugin:3.3.1:generate", "-DinteractiveMode=false",
                "-DarchetypeGroupId=io.switchboard", "-DarchetypeArtifactId=switchboard-archetype-channel",
                "-DarchetypeVersion=" + Newcomer.SWITCHBOARD_VERSION, "-DgroupId=com.example", "-DartifactId=" + artifactId,
                "-Dversion=1.0.0", "-Dpackage=" + pkg, "-Dchannel=" + name, "-DchannelClass=" + channelClass,
                "-DswitchboardVersion=" + Newcomer.SWITCHBOARD_VERSION).ok("archetype:generate");
        Path project = home.resolve(artifactId);

        // their own signing key; the operator will trust its certificate
        Path keystore = home.resolve("vendor.p12");
        Path certificate = home.resolve("vendor.pem");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Newcomer.run(home, List.of(keytool, "-genkeypair", "-keyalg", "Ed25519", "-alias", "vendor", "-dname", "CN=" + name + " Ltd",
                "-validity", "30", "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", "changeit"), 1).ok("keytool");
        Newcomer.run(home, List.of(keytool, "-exportcert", "-rfc", "-alias", "vendor", "-keystore", keystore.toString(),
                "-storepass", "changeit", "-file", certificate.toString()), 1).ok("keytool -exportcert");
        String[] sign = {"-Dswitchboard.sign.keystore=" + keystore, "-Dswitchboard.sign.alias=vendor", "-Dswitchboard.sign.storepass=changeit"};

        // mvn verify: its generated tests pass, the in-distribution one on the real server included
        Path distro = Path.of(System.getProperty("switchboard.distro.dir"));
        List<String> verify = new ArrayList<>(List.of("verify", "-Dswitchboard.distribution=" + distro));
        verify.addAll(List.of(sign));
        Newcomer.Result built = newcomer.mvn(project, verify.toArray(String[]::new)).ok("mvn verify of the generated plugin");
        String report = Files.readString(project.resolve("target/failsafe-reports/TEST-" + pkg + ".internal." + channelClass + "ServerIT.xml"));
        assertTrue(report.contains("tests=\"2\"") && report.contains("skipped=\"0\"") && report.contains("failures=\"0\"")
                && report.contains("errors=\"0\""), "the in-distribution test did not run green:\n" + report);
        assertTrue(built.output().contains("Tests run: 2, Failures: 0, Errors: 0, Skipped: 0"), Newcomer.tail(built.output()));
        Path kar100 = project.resolve("target/" + artifactId + "-1.0.0.kar");
        assertTrue(Files.isRegularFile(kar100), "no KAR: " + kar100);

        // the operator's server trusts the newcomer's certificate, and nothing unsigned
        outside = outsideWorld();
        server = TestServer.unpack(TestServer.findDistribution(distro), Path.of(System.getProperty("switchboard.itest.dir")), PASSWORD)
                .configure("io.switchboard.conversation", "botEnabled", "false");
        Files.createDirectories(server.home().resolve("etc/plugin-trust"));
        Files.copy(certificate, server.home().resolve("etc/plugin-trust/" + name + ".pem"));
        server.start();
        Api api = new Api(server);

        // an unsigned and a tampered KAR are refused, each with its reason
        Api.Reply unsigned = publish(api, unsigned(kar100, home.resolve("unsigned.kar")));
        assertEquals(422, unsigned.status(), unsigned.body());
        assertTrue(unsigned.body().contains("not signed"), unsigned.body());
        Api.Reply tampered = publish(api, tampered(kar100, home.resolve("tampered.kar")));
        assertEquals(422, tampered.status(), tampered.body());
        assertTrue(tampered.body().contains("changed after it was signed"), tampered.body());

        // published with the SDK's Maven plugin, as the developer guide says
        String catalog = "-Dswitchboard.catalog=" + server.url("/switchboard/api/catalog");
        newcomer.mvn(project, "io.switchboard:switchboard-maven-plugin:" + Newcomer.SWITCHBOARD_VERSION + ":publish", catalog,
                "-Dswitchboard.catalog.user=" + TestServer.ADMIN, "-Dswitchboard.catalog.password=" + PASSWORD).ok("publish 1.0.0");
        JsonObject index = api.expect(200, "GET", "/switchboard/api/catalog/index.json", null, null).json();
        assertTrue(index.toString().contains(artifactId + "/1.0.0/" + artifactId + "-1.0.0.kar"), index.toString());

        // what would be installed, before it is
        JsonObject preview = api.expect(200, "GET", "/switchboard/api/plugins/" + artifactId + "/preview", null, api.admin()).json();
        assertEquals(List.of(), preview.getJsonArray("problems").getValuesAs(JsonValue::toString), preview.toString());
        assertTrue(preview.getJsonArray("install").toString().contains("mvn:com.example/" + artifactId + "/1.0.0"), preview.toString());
        assertEquals(0, preview.getJsonArray("refresh").size(), preview.toString());
        assertTrue(preview.getString("signer").contains("CN=" + name + " Ltd"), preview.toString());

        api.expect(201, "POST", "/switchboard/api/plugins", "{\"id\":\"" + artifactId + "\",\"version\":\"1.0.0\"}", api.admin());
        api.expect(200, "PUT", "/switchboard/api/plugins/" + artifactId + "/configuration/" + pkg,
                "{\"outboundUrl\":\"http://127.0.0.1:" + outside.getAddress().getPort() + "/send\"}", api.admin());
        // the console sees the same: Hawtio's JMX tab, through its Jolokia
        Api.Reply console = api.call("GET", "/hawtio/jolokia/read/io.switchboard:type=Plugins/Installed", null, api.admin());
        assertEquals(200, console.status(), console.body());
        assertTrue(console.body().contains(artifactId) && console.body().contains("1.0.0"), console.body());
        String shellList = server.shell("switchboard:plugin-list");
        assertTrue(shellList.contains(artifactId) && shellList.contains("Active"), shellList);
        String grants = server.shell("switchboard:bus-grants");
        assertTrue(grants.contains(artifactId) && grants.contains("sb.outbound." + name) && grants.contains("sb.inbound"), grants);

        // traffic in: a customer writes through the plugin and it is stored; the install and the configuration
        // answered only once the plugin serves, so the first message is taken at once, never retried until it is
        for (int i = 0; i < 5; i++) {
            String body = "{\"from\":\"user-in\",\"text\":\"第" + i + "条 📦\",\"messageId\":\"in-" + i + "\"}";
            api.expect(202, "POST", "/switchboard/api/" + name + "/messages", body, null);
        }
        Api.await("the five messages stored", WAIT, () -> api.expect(200, "GET", "/switchboard/api/conversations?state=all", null,
                api.admin()).array().stream().map(JsonValue::asJsonObject)
                .filter(c -> c.getJsonObject("address").getString("address").equals("user-in")).count() == 1);

        // traffic out, then 1.0.1 published and the upgrade under load
        Load warmUp = Load.run(server, PASSWORD, name, "warm", 100, 2, () -> null);
        warmUp.assertExactlyOnce(WAIT);

        Path pom = project.resolve("pom.xml");
        Files.writeString(pom, Files.readString(pom).replaceFirst("<version>1.0.0</version>", "<version>1.0.1</version>"));
        List<String> rebuild = new ArrayList<>(List.of("package", "-DskipTests"));
        rebuild.addAll(List.of(sign));
        newcomer.mvn(project, rebuild.toArray(String[]::new)).ok("mvn package 1.0.1");
        newcomer.mvn(project, "io.switchboard:switchboard-maven-plugin:" + Newcomer.SWITCHBOARD_VERSION + ":publish", catalog,
                "-Dswitchboard.catalog.user=" + TestServer.ADMIN, "-Dswitchboard.catalog.password=" + PASSWORD).ok("publish 1.0.1");

        Load upgrade = Load.run(server, PASSWORD, name, "up", RATE, LOAD_SECONDS, () -> api.expect(200, "POST",
                "/switchboard/api/plugins/" + artifactId + "/upgrade", "{\"version\":\"1.0.1\"}", api.admin()).json());
        upgrade.assertExactlyOnce(WAIT);
        assertEquals("1.0.1", installedVersion(api, artifactId));
        upgrade.print("upgrade 1.0.0 -> 1.0.1");

        Load rollback = Load.run(server, PASSWORD, name, "down", RATE, LOAD_SECONDS, () -> api.expect(200, "POST",
                "/switchboard/api/plugins/" + artifactId + "/rollback", null, api.admin()).json());
        rollback.assertExactlyOnce(WAIT);
        assertEquals("1.0.0", installedVersion(api, artifactId));
        rollback.print("rollback 1.0.1 -> 1.0.0");
        // the configuration came back with the version: replies still reach the outside world
        assertEquals("http://127.0.0.1:" + outside.getAddress().getPort() + "/send", api.expect(200, "GET",
                "/switchboard/api/plugins/" + artifactId + "/configuration/" + pkg, null, api.admin()).json().getString("outboundUrl"));

        // 1.0.3, signed by the vendor, whose feature also pulls a bundle over http: refused at the preview and the upgrade
        Path featureXml = project.resolve("src/main/feature/feature.xml");
        String feature = Files.readString(featureXml);
        Files.writeString(featureXml, feature.replaceFirst("(<bundle [^>]*>[^<]*</bundle>)",
                "$1\n    <bundle>http://127.0.0.1:" + outside.getAddress().getPort() + "/unsigned.jar</bundle>"));
        Files.writeString(pom, Files.readString(pom).replaceFirst("<version>1.0.1</version>", "<version>1.0.3</version>"));
        newcomer.mvn(project, rebuild.toArray(String[]::new)).ok("mvn package 1.0.3");
        assertEquals(201, publish(api, project.resolve("target/" + artifactId + "-1.0.3.kar")).status());
        JsonObject outsidePreview = api.expect(200, "GET", "/switchboard/api/plugins/" + artifactId + "/preview?version=1.0.3", null,
                api.admin()).json();
        assertTrue(outsidePreview.getJsonArray("problems").toString().contains("bundle http://127.0.0.1:"
                + outside.getAddress().getPort() + "/unsigned.jar is not in the signed KAR"), outsidePreview.toString());
        Api.Reply outsideUpgrade = api.call("POST", "/switchboard/api/plugins/" + artifactId + "/upgrade", "{\"version\":\"1.0.3\"}",
                api.admin());
        assertEquals(422, outsideUpgrade.status(), outsideUpgrade.body());
        assertTrue(outsideUpgrade.body().contains("reach outside its signed KAR"), outsideUpgrade.body());
        assertEquals("1.0.0", installedVersion(api, artifactId));

        // 1.0.2, signed by another key the operator also trusts: refused until that signer is approved by name
        Files.writeString(featureXml, feature);
        Path otherKeystore = home.resolve("vendor-2027.p12");
        Newcomer.run(home, List.of(keytool, "-genkeypair", "-keyalg", "Ed25519", "-alias", "vendor", "-dname", "CN=" + name + " Ltd 2027",
                "-validity", "30", "-storetype", "PKCS12", "-keystore", otherKeystore.toString(), "-storepass", "changeit"), 1).ok("keytool");
        Newcomer.run(home, List.of(keytool, "-exportcert", "-rfc", "-alias", "vendor", "-keystore", otherKeystore.toString(),
                "-storepass", "changeit", "-file", server.home().resolve("etc/plugin-trust/" + name + "-2027.pem").toString()), 1)
                .ok("keytool -exportcert");
        Files.writeString(pom, Files.readString(pom).replaceFirst("<version>1.0.3</version>", "<version>1.0.2</version>"));
        newcomer.mvn(project, "package", "-DskipTests", "-Dswitchboard.sign.keystore=" + otherKeystore, "-Dswitchboard.sign.alias=vendor",
                "-Dswitchboard.sign.storepass=changeit").ok("mvn package 1.0.2");
        assertEquals(201, publish(api, project.resolve("target/" + artifactId + "-1.0.2.kar")).status());
        Api.Reply otherSigner = api.call("POST", "/switchboard/api/plugins/" + artifactId + "/upgrade", "{\"version\":\"1.0.2\"}",
                api.admin());
        assertEquals(422, otherSigner.status(), otherSigner.body());
        assertTrue(otherSigner.body().contains("1.0.0 was signed by CN=" + name + " Ltd,") && otherSigner.body().contains(
                "1.0.2 is signed by CN=" + name + " Ltd 2027"), otherSigner.body());
        assertEquals("1.0.0", installedVersion(api, artifactId));
        api.expect(200, "POST", "/switchboard/api/plugins/" + artifactId + "/upgrade",
                "{\"version\":\"1.0.2\",\"approvedSigner\":\"CN=" + name + " Ltd 2027\"}", api.admin());
        assertEquals("1.0.2", installedVersion(api, artifactId));

        // installed, its first message, uninstalled: twenty times, each first message taken at once and stored
        api.expect(204, "DELETE", "/switchboard/api/plugins/" + artifactId, null, api.admin());
        for (int round = 0; round < INSTALL_ROUNDS; round++) {
            api.expect(201, "POST", "/switchboard/api/plugins", "{\"id\":\"" + artifactId + "\",\"version\":\"1.0.0\"}", api.admin());
            String first = "{\"from\":\"round-" + round + "\",\"text\":\"第一条 " + round + "\",\"messageId\":\"first-" + round + "\"}";
            Api.Reply reply = api.call("POST", "/switchboard/api/" + name + "/messages", first, null);
            assertEquals(202, reply.status(), "round " + round + ": the first message after the install: " + reply.body());
            api.expect(204, "DELETE", "/switchboard/api/plugins/" + artifactId, null, api.admin());
        }
        Api.await("every round's first message stored", WAIT, () -> {
            Set<String> stored = api.expect(200, "GET", "/switchboard/api/conversations?state=all", null, api.admin()).array().stream()
                    .map(JsonValue::asJsonObject).map(c -> c.getJsonObject("address").getString("address"))
                    .filter(a -> a.startsWith("round-")).collect(java.util.stream.Collectors.toSet());
            return stored.size() == INSTALL_ROUNDS ? stored : null;
        });
    }

    static String installedVersion(Api api, String id) {
        return api.expect(200, "GET", "/switchboard/api/plugins", null, api.admin()).array().stream().map(JsonValue::asJsonObject)
                .filter(p -> p.getString("id").equals(id)).map(p -> p.getString("version")).findFirst().orElse(null);
    }

    static Api.Reply publish(Api api, Path kar) throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var response = http.send(java.net.http.HttpRequest.newBuilder(server.url("/switchboard/api/catalog/plugins"))
                .header("Content-Type", "application/vnd.switchboard.kar").header("Authorization", api.admin())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofFile(kar)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        return new Api.Reply(response.statusCode(), response.body());
    }

    /** The KAR without its signature files: what an unsigned build gives. */
    static Path unsigned(Path kar, Path to) throws IOException {
        return rewrite(kar, to, (name, bytes) -> name.matches("META-INF/[^/]+\\.(SF|EC|RSA|DSA)") ? null : bytes);
    }

    /** The signed KAR with one byte of its bundle changed. */
    static Path tampered(Path kar, Path to) throws IOException {
        return rewrite(kar, to, (name, bytes) -> {
            if (name.startsWith("repository/") && name.endsWith(".jar")) {
                bytes = bytes.clone();
                bytes[bytes.length / 2] ^= 1;
            }
            return bytes;
        });
    }

    static Path rewrite(Path kar, Path to, java.util.function.BiFunction<String, byte[], byte[]> change) throws IOException {
        try (ZipFile in = new ZipFile(kar.toFile()); ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(to))) {
            for (ZipEntry e : Collections.list(in.entries())) {
                byte[] bytes = change.apply(e.getName(), in.getInputStream(e).readAllBytes());
                if (bytes != null) {
                    out.putNextEntry(new ZipEntry(e.getName()));
                    out.write(bytes);
                    out.closeEntry();
                }
            }
        }
        return to;
    }

    static HttpServer outsideWorld() throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.setExecutor(Executors.newFixedThreadPool(8));
        http.createContext("/send", exchange -> {
            JsonObject m = Json.createReader(new StringReader(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))).readObject();
            delivered.computeIfAbsent(m.getString("messageId"), k -> new AtomicInteger()).incrementAndGet();
            arrivals.add(new long[]{System.nanoTime()});
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        http.start();
        return http;
    }

    /**
     * Agent replies to the plugin's outbound queue at {@code rate} a second for {@code seconds}, as the
     * core puts them there, from four producers; {@code during} runs a third of the way in.
     */
    static final class Load {
        final String label;
        final Set<String> sent = ConcurrentHashMap.newKeySet();
        final AtomicInteger failed = new AtomicInteger();
        final long started = System.nanoTime();
        long ended;
        Object duringResult;

        private Load(String label) {
            this.label = label;
        }

        static Load run(TestServer server, String password, String channel, String label, int rate, int seconds,
                        Supplier<Object> during) throws Exception {
            Load load = new Load(label);
            int producers = 4;
            AtomicLong next = new AtomicLong();
            long total = (long) rate * seconds;
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                Thread t = new Thread(() -> load.produce(server, password, channel, rate, total, next), "load-" + label + "-" + p);
                t.start();
                threads.add(t);
            }
            Thread.sleep(seconds * 1000L / 3);
            load.duringResult = during.get();
            for (Thread t : threads) {
                t.join(seconds * 3000L + 60_000);
            }
            load.ended = System.nanoTime();
            return load;
        }

        private void produce(TestServer server, String password, String channel, int rate, long total, AtomicLong next) {
            JmsConnectionFactory factory = new JmsConnectionFactory(TestServer.ADMIN, password, server.busUrl());
            factory.setForceSyncSend(true);
            try (Connection c = factory.createConnection(); Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                 MessageProducer p = s.createProducer(s.createQueue("sb.outbound." + channel))) {
                long n;
                while ((n = next.getAndIncrement()) < total) {
                    // paced to the rate, across all producers: message n is due at started + n/rate
                    long due = started + n * 1_000_000_000L / rate;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    String id = label + "-" + n;
                    String user = "user-" + (n % 50);
                    TextMessage m = s.createTextMessage(Json.createObjectBuilder()
                            .add("id", id).add("direction", "OUTBOUND")
                            .add("address", Json.createObjectBuilder().add("channel", channel).add("address", user))
                            .add("conversationId", "conv-" + user).add("agentId", "agent-1").add("time", Instant.now().toString())
                            .add("parts", Json.createArrayBuilder().add(Json.createObjectBuilder().add("kind", "TEXT").add("text", "回复 " + n)))
                            .add("headers", JsonValue.EMPTY_JSON_OBJECT).build().toString());
                    m.setStringProperty("JMSXGroupID", channel + ":" + user);
                    m.setStringProperty("sbPayloadType", "Message");
                    try {
                        p.send(m, DeliveryMode.PERSISTENT, 4, 0);
                        sent.add(id);
                    } catch (jakarta.jms.JMSException e) {
                        failed.incrementAndGet();
                    }
                }
            } catch (Exception e) {
                failed.incrementAndGet();
                throw new IllegalStateException(e);
            }
        }

        void assertExactlyOnce(Duration wait) throws InterruptedException {
            assertEquals(0, failed.get(), label + ": sends the bus refused");
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline && !sent.stream().allMatch(delivered::containsKey)) {
                Thread.sleep(200);
            }
            List<String> lost = sent.stream().filter(id -> !delivered.containsKey(id)).sorted().toList();
            assertEquals(List.of(), lost.size() > 20 ? lost.subList(0, 20) : lost, label + ": " + lost.size() + " replies never reached the outside world");
            List<String> twice = sent.stream().filter(id -> delivered.get(id).get() > 1).sorted().toList();
            assertEquals(List.of(), twice, label + ": replies delivered more than once");
        }

        /** The longest time between two deliveries while this load ran, and the server's own report. */
        void print(String what) {
            List<Long> times = arrivals.stream().map(a -> a[0]).filter(t -> t >= started).sorted().toList();
            long longest = 0;
            for (int i = 1; i < times.size(); i++) {
                longest = Math.max(longest, times.get(i) - times.get(i - 1));
            }
            long last = times.isEmpty() ? started : times.get(times.size() - 1);
            System.out.printf(Locale.ROOT, "%n%s: %d replies offered at %d/s over %d s; all delivered once, the last %.1f s after the first was sent"
                            + "%n  longest pause between deliveries: %d ms; server: %s%n", what, sent.size(), RATE, LOAD_SECONDS,
                    (last - started) / 1e9, longest / 1_000_000, duringResult);
        }
    }
}
