package io.switchboard.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.switchboard.testkit.TestDatabase;
import io.switchboard.testkit.TestServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 22: the Camel components integrators reach for, installed as optional features into the
 * running server and used from route files written as docs/integrator-guide.md shows, each against
 * something real: an HTTP server, PostgreSQL, the machine's Mosquitto, files, schedules, Kamelets.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IntegratorToolboxIT {

    static final String PASSWORD = "It-" + UUID.randomUUID();
    static final Duration WAIT = Duration.ofSeconds(60);
    static final List<String> FEATURES = List.of("switchboard-camel-http", "switchboard-camel-jdbc", "switchboard-camel-paho",
            "switchboard-camel-jsonpath", "switchboard-camel-xslt", "switchboard-camel-csv", "switchboard-camel-freemarker",
            "switchboard-camel-mustache", "switchboard-camel-quartz", "switchboard-camel-kamelet", "switchboard-camel-sql",
            "switchboard-camel-mail", "switchboard-camel-ftp", "switchboard-camel-jacksonxml", "switchboard-camel-kafka",
            "switchboard-camel-bindy", "switchboard-camel-rest", "switchboard-camel-aws2-s3");
    static final String MAIL_PASSWORD = "Mail-" + UUID.randomUUID();
    static final String SFTP_PASSWORD = "Sftp-" + UUID.randomUUID();

    static TestServer server;
    static Api api;
    static TestDatabase crmDatabase;
    static HttpServer crm;
    static final BlockingQueue<Map.Entry<Map<String, List<String>>, String>> crmRequests = new LinkedBlockingQueue<>();
    static Path work;
    static com.icegreen.greenmail.util.GreenMail mail;
    static org.apache.sshd.server.SshServer sftp;
    static Path sftpRoot;
    static ObjectStoreServer objectStore;
    /** The conversation the HTTP test's message opened. */
    static String conversationId;

    @BeforeAll
    static void boot() throws IOException {
        // the CRM's HTTP API, as the outside world: takes whatever is POSTed to /crm/events
        crm = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        crm.createContext("/crm/events", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            crmRequests.add(Map.entry(Map.copyOf(exchange.getRequestHeaders()), exchange.getRequestMethod() + " " + body));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        crm.start();
        // a mail server with SMTP and IMAP, and an SFTP server, as the outside world
        mail = new com.icegreen.greenmail.util.GreenMail(new com.icegreen.greenmail.util.ServerSetup[] {
                new com.icegreen.greenmail.util.ServerSetup(0, "127.0.0.1", "smtp").dynamicPort(),
                new com.icegreen.greenmail.util.ServerSetup(0, "127.0.0.1", "imap").dynamicPort()});
        mail.start();
        mail.setUser("crm@example.com", "crm", MAIL_PASSWORD);
        sftpRoot = Files.createTempDirectory("sb-sftp");
        sftp = org.apache.sshd.server.SshServer.setUpDefaultServer();
        sftp.setHost("127.0.0.1");
        sftp.setPort(0);
        sftp.setKeyPairProvider(new org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider(sftpRoot.resolveSibling(
                sftpRoot.getFileName() + ".hostkey")));
        sftp.setPasswordAuthenticator((user, password, session) -> "partner".equals(user) && SFTP_PASSWORD.equals(password));
        sftp.setSubsystemFactories(List.of(new org.apache.sshd.sftp.server.SftpSubsystemFactory()));
        sftp.setFileSystemFactory(new org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory(sftpRoot));
        sftp.start();
        objectStore = ObjectStoreServer.start(Files.createTempDirectory("sb-s3"));
        // the CRM's own database, on PostgreSQL, named crm for route files by etc/org.ops4j.datasource-crm.cfg
        crmDatabase = TestDatabase.postgres();
        try (Connection c = crmDatabase.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE contact_events (event_id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL, channel TEXT NOT NULL)");
            s.execute("CREATE TABLE prices (sku TEXT PRIMARY KEY, name TEXT NOT NULL, price INTEGER NOT NULL)");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        String pgUrl = crmDatabase.jdbcUrl();
        server = Distribution.unpack(PASSWORD)
                .requireRoutes("switchboard-conversation/conversation-inbound");
        Files.writeString(server.home().resolve("etc/org.ops4j.datasource-crm.cfg"), """
                osgi.jdbc.driver.name = PostgreSQL JDBC Driver
                url = %s
                user = postgres
                password =
                dataSourceName = crm
                pool = dbcp2
                xa = false
                """.formatted(pgUrl), StandardCharsets.UTF_8);
        // S3Proxy implements none of the checksum headers the AWS SDK sends by default since 2.30, as many
        // S3-compatible stores: the setting the integrator guide gives operators of such stores
        Files.writeString(server.home().resolve("etc/system.properties"), """

                aws.requestChecksumCalculation = when_required
                aws.responseChecksumValidation = when_required
                """, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        work = server.home().resolve("it-toolbox");
        Files.createDirectories(work);
        server.start();
        api = new Api(server);
    }

    @AfterAll
    static void shutDown() {
        if (server != null) {
            server.stop();
        }
        if (crm != null) {
            crm.stop(0);
        }
        if (mail != null) {
            mail.stop();
        }
        if (sftp != null) {
            try {
                sftp.stop(true);
            } catch (IOException ignored) {
                // the JVM ends with the tests
            }
        }
        if (crmDatabase != null) {
            crmDatabase.close();
        }
        if (objectStore != null) {
            objectStore.close();
        }
    }

    /** Drops a route file and waits until it runs; a file that fails fails the test with its reason. */
    static void deploy(String name, String content) {
        // a file of that name may run already: wait for this content's deployment, not the earlier one's
        String before = routeFile(name).map(f -> f.getString("since")).orElse(null);
        server.deploy(name, content);
        JsonObject file = Api.await(name + " deployed", WAIT, () -> routeFile(name)
                .filter(f -> !f.getString("since").equals(before)).orElse(null));
        assertEquals("RUNNING", file.getString("state"), file.toString());
    }

    static java.util.Optional<JsonObject> routeFile(String name) {
        return api.expect(200, "GET", "/switchboard/api/route-files", null, api.admin()).array().stream()
                .map(JsonValue::asJsonObject).filter(f -> f.getString("name").equals(name)).findFirst();
    }

    /** A new web-chat visitor's first message. */
    static Api.Reply visitorWrites(String text) {
        return api.call("POST", "/switchboard/api/webchat/messages", "{\"visitorId\":\"it-" + UUID.randomUUID()
                + "\",\"text\":\"" + text + "\",\"clientMessageId\":\"" + UUID.randomUUID() + "\"}", null);
    }

    /** The conversation a message accepted with 202 went to. */
    static String conversationOf(Api.Reply accepted) {
        assertEquals(202, accepted.status(), accepted.body());
        return accepted.json().getString("conversationId");
    }

    static String write(String name, String content) {
        try {
            Path file = work.resolve(name);
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
            return file.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The one file a route writes into {@code dir} under the work directory, once it is there. */
    static String awaitOnlyFile(String dir) {
        Path d = work.resolve(dir);
        return Api.await("a file in " + d, WAIT, () -> {
            if (!Files.isDirectory(d)) {
                return null;
            }
            try (Stream<Path> files = Files.list(d)) {
                List<Path> written = files.filter(Files::isRegularFile).toList();
                return written.isEmpty() ? null : Files.readString(written.get(0), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return null;
            }
        });
    }

    static long filesIn(String dir) {
        try (Stream<Path> files = Files.list(work.resolve(dir))) {
            return files.filter(Files::isRegularFile).count();
        } catch (IOException e) {
            return 0;
        }
    }

    /** {@code POST /switchboard/api/route-files/validate?name=…} with the file as YAML, as curl --data-binary sends it. */
    static Api.Reply validate(String name, String content, String authorization) {
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(server.url("/switchboard/api/route-files/validate?name="
                + name)).header("Content-Type", "application/yaml")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(content, StandardCharsets.UTF_8));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        try {
            java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(b.build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Api.Reply(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Order(0)
    void aFileIsCheckedBeforeItIsDeployedAndNamesTheFeaturesItNeeds() {
        String crmFile = EVENTS_TO_CRM.formatted(crm.getAddress().getPort());
        assertEquals(401, validate("crm.camel.yaml", crmFile, null).status());
        Api.Reply reply = validate("crm.camel.yaml", crmFile, api.admin());
        assertEquals(200, reply.status(), reply.body());
        JsonObject check = reply.json();
        assertFalse(check.getBoolean("valid"), reply.body());
        List<String> features = check.getJsonArray("problems").stream()
                .map(p -> p.asJsonObject().getString("feature", null)).toList();
        // the endpoint's component first (all of them at once), the language once the components are there
        assertEquals(List.of("switchboard-camel-http"), features, reply.body());

        // the same in the console, for a file on the server
        String path = write("to-check/crm.camel.yaml", crmFile);
        String shell = server.shell("switchboard:route-validate " + path);
        assertTrue(shell.contains("crm.camel.yaml (yaml): INVALID") && shell.contains("feature:install switchboard-camel-http"), shell);

        Api.Reply noName = validate("", crmFile, api.admin());
        assertEquals(400, noName.status(), noName.body());
        assertTrue(noName.body().contains("A file name is needed"), noName.body());
        Api.Reply notRoutes = validate("notes.yaml", "shopping:\n  - milk\n", api.admin());
        assertEquals(422, notRoutes.status(), notRoutes.body());
        assertTrue(notRoutes.body().contains("not a route file"), notRoutes.body());

        JsonObject toolbox = api.expect(200, "GET", "/switchboard/api/route-files/components", null, api.admin()).json();
        assertTrue(toolbox.getJsonArray("available").toString().contains("switchboard-camel-http"), toolbox.toString());
        assertTrue(toolbox.getJsonArray("items").stream().map(JsonValue::asJsonObject)
                .noneMatch(i -> i.getString("name").equals("http")), "http is not installed yet");
        // nothing was deployed by checking
        assertEquals(0, api.expect(200, "GET", "/switchboard/api/route-files", null, api.admin()).array().size());
    }

    @Test
    @Order(1)
    void componentFeaturesInstallWithoutRefreshingThePlatform() {
        // saved before its language is there, a file fails, and starts by itself once the feature is installed
        server.deploy("early.camel.yaml", """
                - route:
                    id: early-greeting
                    from:
                      uri: "timer:early?repeatCount=1"
                      steps:
                        - setBody:
                            constant: '{"greeting":"早 early"}'
                        - setBody:
                            jsonpath: "$.greeting"
                        - to: "file:%s/early-out?charset=UTF-8"
                """.formatted(work));
        Api.await("early.camel.yaml failed", WAIT, () -> routeFile("early.camel.yaml")
                .filter(f -> f.getString("state").equals("FAILED")).orElse(null));
        String features = String.join(" ", FEATURES);
        // Karaf writes what an install would do to the log, not to the shell
        int mark = server.log().length();
        server.shell("feature:install --simulate --verbose " + features);
        String simulated = Api.await("the simulated install in the log", WAIT, () -> {
            String since = server.log().substring(mark);
            return since.contains("Bundles to install") ? since : null;
        });
        assertFalse(simulated.contains("to refresh"), simulated);

        int beforeInstall = server.log().length();
        String installed = server.shell("feature:install " + features);
        assertFalse(installed.toLowerCase(java.util.Locale.ROOT).contains("error"), installed);
        String list = server.shell("feature:list -i");
        for (String f : FEATURES) {
            assertTrue(list.lines().anyMatch(l -> l.startsWith(f + " ")), f + " not installed:\n" + list);
        }
        String installLog = server.log().substring(beforeInstall);
        assertTrue(installLog.contains("Installing bundles"), installLog);
        assertFalse(installLog.contains("Refreshing bundles"), installLog);
        // the platform kept serving throughout: no bundle of ours was restarted
        assertEquals(202, visitorWrites("still here").status());
        // and the file that failed for want of jsonpath runs, untouched
        JsonObject early = Api.await("early.camel.yaml running", WAIT, () -> routeFile("early.camel.yaml")
                .filter(f -> f.getString("state").equals("RUNNING")).orElse(null));
        assertEquals(List.of("early-greeting"), early.getJsonArray("routes").getValuesAs(jakarta.json.JsonString::getString), early.toString());
        assertEquals("早 early", awaitOnlyFile("early-out"));
    }

    static final String EVENTS_TO_CRM = """
            - route:
                id: events-to-crm
                from:
                  uri: "bus:topic:sb.events"
                  parameters:
                    messageSelector: "sbEventType = 'message.received'"
                  steps:
                    - setHeader:
                        name: X-Conversation
                        jsonpath: "$.conversationId"
                    - setHeader:
                        name: CamelHttpMethod
                        constant: POST
                    - setHeader:
                        name: Content-Type
                        constant: "application/json; charset=UTF-8"
                    - to: "http://127.0.0.1:%d/crm/events"
            """;

    static final String EVENTS_TO_POSTGRES = """
            - route:
                id: events-to-postgres
                from:
                  uri: "bus:topic:sb.events"
                  parameters:
                    messageSelector: "sbEventType = 'message.received'"
                  steps:
                    - setHeader:
                        name: eventId
                        jsonpath: "$.id"
                    - setHeader:
                        name: conversationId
                        jsonpath: "$.conversationId"
                    - setHeader:
                        name: channel
                        jsonpath: "$.data.channel"
                    - setBody:
                        constant: "INSERT INTO contact_events (event_id, conversation_id, channel) VALUES (:?eventId, :?conversationId, :?channel)"
                    - to: "jdbc:crm?useHeadersAsParameters=true"
            """;

    @Test
    @Order(2)
    void eventsReachTheCrmOverHttpAndItsDatabaseOverJdbc() throws Exception {
        String crmFile = EVENTS_TO_CRM.formatted(crm.getAddress().getPort());
        JsonObject valid = validate("crm.camel.yaml", crmFile, api.admin()).json();
        assertTrue(valid.getBoolean("valid"), valid.toString());
        // http passes options it does not know on to the server, jdbc does not: a misspelt one is refused
        JsonObject typo = validate("contacts.camel.yaml", EVENTS_TO_POSTGRES.replace("useHeadersAsParameters", "useHeadersAsParameter"),
                api.admin()).json();
        assertFalse(typo.getBoolean("valid"), typo.toString());
        assertTrue(typo.getJsonArray("problems").getJsonObject(0).getString("message").contains("useHeadersAsParameter"), typo.toString());

        deploy("crm.camel.yaml", crmFile);
        deploy("contacts.camel.yaml", EVENTS_TO_POSTGRES);
        crmRequests.clear();
        // a subscription starts with the route; one message is enough once both listen
        Thread.sleep(2000);
        conversationId = conversationOf(visitorWrites("我的订单到哪了？"));

        Map.Entry<Map<String, List<String>>, String> request = null;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (request == null && System.nanoTime() < deadline) {
            Map.Entry<Map<String, List<String>>, String> r = crmRequests.poll(1, TimeUnit.SECONDS);
            if (r != null && r.getValue().contains(conversationId)) {
                request = r;
            }
        }
        assertTrue(request != null, "the CRM was not called for conversation " + conversationId);
        assertTrue(request.getValue().startsWith("POST "), request.getValue());
        JsonObject event = Json.createReader(new StringReader(request.getValue().substring("POST ".length()))).readObject();
        assertEquals("message.received", event.getString("type"));
        assertEquals("webchat", event.getJsonObject("data").getString("channel"));
        assertEquals(List.of(conversationId), request.getKey().get("X-conversation"), request.getKey().toString());

        Api.await("the event's row in PostgreSQL", WAIT, () -> {
            try (Connection c = crmDatabase.dataSource().getConnection();
                 PreparedStatement s = c.prepareStatement("SELECT channel, event_id FROM contact_events WHERE conversation_id = ?")) {
                s.setString(1, conversationId);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() && rs.getString(1).equals("webchat") && rs.getString(2).equals(event.getString("id"));
                }
            } catch (java.sql.SQLException e) {
                return false;
            }
        });
    }

    @Test
    @Order(3)
    void mqttMessagesAreAnsweredThroughAMustacheTemplate() throws Exception {
        String topic = "switchboard/it-" + UUID.randomUUID();
        String template = write("templates/greeting.mustache", "您好，{{body}}！");
        deploy("mqtt.camel.yaml", """
                - route:
                    id: mqtt-greeter
                    from:
                      uri: "paho:%1$s/in"
                      parameters:
                        brokerUrl: "tcp://127.0.0.1:1883"
                      steps:
                        - convertBodyTo:
                            type: String
                            charset: UTF-8
                        - to: "mustache:file:%2$s"
                        - to: "paho:%1$s/out?brokerUrl=tcp://127.0.0.1:1883"
                """.formatted(topic, template));
        MqttClient client = new MqttClient("tcp://127.0.0.1:1883", "sb-it-" + UUID.randomUUID(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        client.connect(options);
        try {
            BlockingQueue<String> answers = new LinkedBlockingQueue<>();
            client.subscribe(topic + "/out", 1, (t, m) -> answers.add(new String(m.getPayload(), StandardCharsets.UTF_8)));
            String answer = null;
            long deadline = System.nanoTime() + WAIT.toNanos();
            // the route's subscription may not be up the moment the file runs: ask until it answers
            while (answer == null && System.nanoTime() < deadline) {
                MqttMessage question = new MqttMessage("李雷".getBytes(StandardCharsets.UTF_8));
                question.setQos(1);
                client.publish(topic + "/in", question);
                answer = answers.poll(2, TimeUnit.SECONDS);
            }
            assertEquals("您好，李雷！", answer);
        } finally {
            client.disconnect();
            client.close();
        }
    }

    @Test
    @Order(4)
    void aCsvPriceFileBecomesAFreemarkerPriceList() {
        String template = write("templates/price-list.ftl", """
                <#list body as row>${row.sku} ${row.name} ¥${row.price}
                </#list>""");
        deploy("prices.camel.yaml", """
                - route:
                    id: price-list
                    from:
                      uri: "file:%1$s/prices-in"
                      parameters:
                        charset: UTF-8
                      steps:
                        - unmarshal:
                            csv:
                              useMaps: true
                        - to: "freemarker:file:%2$s"
                        - to: "file:%1$s/prices-out?fileName=price-list.txt&charset=UTF-8"
                """.formatted(work, template));
        write("prices-in/prices.csv", "sku,name,price\nA-1,行李箱,399\nB-2,Umbrella,59\n");
        assertEquals("A-1 行李箱 ¥399\nB-2 Umbrella ¥59\n", awaitOnlyFile("prices-out"));
    }

    @Test
    @Order(5)
    void anOrderIsTransformedByXslt() {
        String stylesheet = write("templates/order.xsl", """
                <xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
                  <xsl:output method="xml" encoding="UTF-8" omit-xml-declaration="yes"/>
                  <xsl:template match="/order">
                    <erpOrder ref="{@id}"><xsl:for-each select="item"><line sku="{@sku}" quantity="{@qty}"/></xsl:for-each></erpOrder>
                  </xsl:template>
                </xsl:stylesheet>
                """);
        deploy("orders.camel.yaml", """
                - route:
                    id: order-to-erp-xml
                    from:
                      uri: "file:%1$s/orders-in"
                      steps:
                        - to: "xslt:file:%2$s"
                        - to: "file:%1$s/orders-out"
                """.formatted(work, stylesheet));
        write("orders-in/order-1.xml", "<order id=\"SO-1\"><item sku=\"A-1\" qty=\"2\"/><item sku=\"B-2\" qty=\"1\"/></order>");
        assertEquals("<erpOrder ref=\"SO-1\"><line sku=\"A-1\" quantity=\"2\"/><line sku=\"B-2\" quantity=\"1\"/></erpOrder>",
                awaitOnlyFile("orders-out").strip());
    }

    @Test
    @Order(6)
    void cronAndQuartzSchedulesFire() {
        deploy("schedules.camel.yaml", """
                - route:
                    id: every-second-by-cron
                    from:
                      uri: "cron:tick"
                      parameters:
                        schedule: "0/1 * * * * ?"
                      steps:
                        - setBody:
                            constant: "cron"
                        - to: "file:%1$s/cron-out"
                - route:
                    id: export-by-cron
                    from:
                      uri: "cron:export"
                      parameters:
                        schedule: "0/1 * * * * ?"
                      steps:
                        - setBody:
                            constant: "SELECT id, channel, state FROM sb_conversation"
                        - to: "jdbc:switchboard"
                        - marshal:
                            csv: {}
                        - to: "file:%1$s/exports?fileName=conversations.csv&charset=UTF-8"
                - route:
                    id: every-second-by-quartz
                    from:
                      uri: "quartz:it/every-second"
                      parameters:
                        cron: "0/1 * * * * ?"
                      steps:
                        - setBody:
                            constant: "quartz"
                        - to: "file:%1$s/quartz-out"
                """.formatted(work));
        Api.await("three cron firings", WAIT, () -> Files.isDirectory(work.resolve("cron-out")) && filesIn("cron-out") >= 3);
        Api.await("three quartz firings", WAIT, () -> Files.isDirectory(work.resolve("quartz-out")) && filesIn("quartz-out") >= 3);
        // the platform's own database, read on a schedule into CSV: the conversation of the HTTP test is in it
        // (the file is rewritten each second: read until a whole one has the line)
        Api.await("the conversation in the export", WAIT, () -> {
            try {
                return Files.readString(work.resolve("exports/conversations.csv"), StandardCharsets.UTF_8).lines()
                        .anyMatch(l -> l.startsWith(conversationId + ",webchat,"));
            } catch (IOException notYet) {
                return false;
            }
        });
    }

    @Test
    @Order(7)
    void routesUseAnUpstreamKameletAndOneOfOurOwn() {
        server.deploy("file-greeting-sink.kamelet.yaml", """
                apiVersion: camel.apache.org/v1
                kind: Kamelet
                metadata:
                  name: file-greeting-sink
                  labels:
                    camel.apache.org/kamelet.type: sink
                spec:
                  definition:
                    title: Greeting file sink
                    required:
                      - directory
                    properties:
                      directory:
                        title: Directory
                        type: string
                      greeting:
                        title: Greeting
                        type: string
                        default: "你好"
                  template:
                    from:
                      uri: "kamelet:source"
                      steps:
                        - setBody:
                            simple: "{{greeting}}, ${body}"
                        - to: "file:{{directory}}"
                """);
        deploy("greetings.camel.yaml", """
                - route:
                    id: kamelet-greetings
                    from:
                      uri: "kamelet:timer-source"
                      parameters:
                        period: 1000
                        repeatCount: 1
                        message: "世界"
                      steps:
                        - to: "kamelet:file-greeting-sink?directory=%s/kamelet-out"
                """.formatted(work));
        assertEquals("你好, 世界", awaitOnlyFile("kamelet-out"));

        // what route files can use now: the installed components with their options, the Kamelets with their parameters
        JsonObject toolbox = api.expect(200, "GET", "/switchboard/api/route-files/components", null, api.admin()).json();
        Map<String, JsonObject> items = new java.util.HashMap<>();
        toolbox.getJsonArray("items").forEach(i -> items.put(i.asJsonObject().getString("kind") + "/" + i.asJsonObject().getString("name"),
                i.asJsonObject()));
        for (String expected : List.of("COMPONENT/bus", "COMPONENT/http", "COMPONENT/jdbc", "COMPONENT/paho", "COMPONENT/xslt",
                "COMPONENT/freemarker", "COMPONENT/mustache", "COMPONENT/quartz", "COMPONENT/cron", "COMPONENT/kamelet",
                "COMPONENT/timer", "LANGUAGE/jsonpath", "LANGUAGE/simple", "DATAFORMAT/csv", "DATAFORMAT/jackson",
                "KAMELET/timer-source", "KAMELET/file-greeting-sink")) {
            assertTrue(items.containsKey(expected), expected + " missing from " + items.keySet());
        }
        assertTrue(items.get("COMPONENT/http").getJsonArray("options").toString().contains("throwExceptionOnFailure"), items.get("COMPONENT/http").toString());
        JsonObject own = items.get("KAMELET/file-greeting-sink");
        assertEquals("deploy/file-greeting-sink.kamelet.yaml", own.getString("source"));
        assertTrue(own.getJsonArray("options").stream().map(JsonValue::asJsonObject)
                .anyMatch(o -> o.getString("name").equals("directory") && o.getBoolean("required")), own.toString());
        assertEquals(List.of(), toolbox.getJsonArray("available").getValuesAs(JsonValue::toString).stream()
                .filter(f -> f.contains("switchboard-camel-http")).toList());
    }
    @Test
    @Order(8)
    void mailGoesOutBySmtpAndComesInByImap() throws Exception {
        int smtp = mail.getSmtp().getPort();
        int imap = mail.getImap().getPort();
        deploy("mail.camel.yaml", """
                - route:
                    id: report-by-mail
                    from:
                      uri: "file:%1$s/mail-out"
                      parameters:
                        charset: UTF-8
                      steps:
                        - setHeader:
                            name: Subject
                            constant: "每日报告 daily report"
                        - to: "smtp://127.0.0.1:%2$d?username=crm&password=RAW(%4$s)&from=switchboard@example.com&to=crm@example.com"
                - route:
                    id: replies-from-imap
                    from:
                      uri: "imap://127.0.0.1:%3$d"
                      parameters:
                        username: crm
                        password: "RAW(%4$s)"
                        delay: 500
                      steps:
                        - setBody:
                            simple: "${header.From}|${body}"
                        - to: "file:%1$s/mail-in?charset=UTF-8"
                """.formatted(work, smtp, imap, MAIL_PASSWORD));
        write("mail-out/report.txt", "今天 42 个会话");
        Api.await("the mail in GreenMail", WAIT, () -> mail.getReceivedMessages().length > 0);
        jakarta.mail.internet.MimeMessage sent = mail.getReceivedMessages()[0];
        assertEquals("每日报告 daily report", sent.getSubject());
        // and read back over IMAP by the second route
        assertEquals("switchboard@example.com|今天 42 个会话", awaitOnlyFile("mail-in").strip());
    }

    @Test
    @Order(9)
    void filesGoToAndComeFromAnSftpServer() throws Exception {
        int port = sftp.getPort();
        Files.createDirectories(sftpRoot.resolve("outbox"));
        Files.writeString(sftpRoot.resolve("outbox/stock.csv"), "sku,qty\nA-1,7\n", StandardCharsets.UTF_8);
        deploy("sftp.camel.yaml", """
                - route:
                    id: orders-to-partner
                    from:
                      uri: "file:%1$s/sftp-out"
                      steps:
                        - to: "sftp://partner@127.0.0.1:%2$d/inbox?password=RAW(%3$s)&strictHostKeyChecking=no&useUserKnownHostsFile=false"
                - route:
                    id: stock-from-partner
                    from:
                      uri: "sftp://partner@127.0.0.1:%2$d/outbox"
                      parameters:
                        password: "RAW(%3$s)"
                        strictHostKeyChecking: "no"
                        useUserKnownHostsFile: false
                        delete: true
                        delay: 500
                      steps:
                        - to: "file:%1$s/sftp-in"
                """.formatted(work, port, SFTP_PASSWORD));
        write("sftp-out/order-7.csv", "order,SO-7\n");
        Path uploaded = sftpRoot.resolve("inbox/order-7.csv");
        Api.await("the upload on the SFTP server", WAIT, () -> Files.isRegularFile(uploaded));
        assertEquals("order,SO-7\n", Api.await("the whole upload", WAIT, () -> {
            try {
                String s = Files.readString(uploaded, StandardCharsets.UTF_8);
                return s.endsWith("\n") ? s : null;
            } catch (IOException e) {
                return null;
            }
        }));
        assertEquals("sku,qty\nA-1,7\n", awaitOnlyFile("sftp-in"));
        Api.await("the fetched file deleted on the server", WAIT, () -> !Files.exists(sftpRoot.resolve("outbox/stock.csv")));
    }

    @Test
    @Order(10)
    void csvRowsAreInsertedByTheSqlComponent() throws Exception {
        deploy("prices-db.camel.yaml", """
                - route:
                    id: prices-to-postgres
                    from:
                      uri: "file:%s/prices-db-in"
                      parameters:
                        charset: UTF-8
                      steps:
                        - unmarshal:
                            csv:
                              useMaps: true
                        - split:
                            simple: "${body}"
                            steps:
                              - to: "sql:INSERT INTO prices (sku, name, price) VALUES (:#${body[sku]}, :#${body[name]}, CAST(:#${body[price]} AS INTEGER))?dataSource=#crm"
                """.formatted(work));
        write("prices-db-in/prices.csv", "sku,name,price\nA-1,行李箱,399\nB-2,Umbrella,59\n");
        Api.await("two rows in PostgreSQL", WAIT, () -> {
            try (Connection c = crmDatabase.dataSource().getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT string_agg(sku || '=' || name || '=' || price, ';' ORDER BY sku) FROM prices")) {
                return rs.next() && "A-1=行李箱=399;B-2=Umbrella=59".equals(rs.getString(1));
            } catch (java.sql.SQLException e) {
                return false;
            }
        });
    }

    @Test
    @Order(11)
    void eventsAreWrittenAsXmlForALegacySystem() throws Exception {
        deploy("events-xml.camel.yaml", """
                - route:
                    id: events-as-xml
                    from:
                      uri: "bus:topic:sb.events"
                      parameters:
                        messageSelector: "sbEventType = 'message.received'"
                      steps:
                        - unmarshal:
                            json:
                              library: Jackson
                        - marshal:
                            jacksonXml: {}
                        - to: "file:%s/events-xml?charset=UTF-8"
                """.formatted(work));
        Thread.sleep(2000);
        String id = conversationOf(visitorWrites("XML please"));
        String xml = Api.await("the event as XML", WAIT, () -> Api.fileContaining(work.resolve("events-xml"), id));
        assertTrue(xml.contains("<type>message.received</type>") && xml.contains("<conversationId>" + id + "</conversationId>"), xml);
    }

    @Test
    @Order(12)
    void aKafkaProducerStartsInTheServer() {
        // no Kafka broker runs on this machine or in the test (a broker needs the server's own jars): the route is
        // deployed, which builds its KafkaProducer in the server (serializers found by class name, the client's
        // bundle wiring), and the producer's attempts to reach the missing broker are logged, not fatal
        deploy("kafka.camel.yaml", """
                - route:
                    id: events-to-kafka
                    from:
                      uri: "bus:topic:sb.events"
                      parameters:
                        messageSelector: "sbEventType = 'conversation.closed'"
                      steps:
                        - to: "kafka:switchboard-events?brokers=127.0.0.1:9&maxBlockMs=1000"
                """);
        String status = server.shell("switchboard:status");
        assertTrue(status.lines().anyMatch(l -> l.startsWith("route kafka.camel.yaml/events-to-kafka") && l.endsWith("Started")), status);
    }

    @Test
    @Order(13)
    void reportsGoToAnS3StoreAndInvoicesComeFromIt() throws Exception {
        // S3Proxy keeps buckets as directories: an object the store holds is a file the test can read
        String s3 = "accessKey=RAW(%s)&secretKey=RAW(%s)&region=us-east-1&overrideEndpoint=true&uriEndpointOverride=%s&forcePathStyle=true"
                .formatted(objectStore.accessKey, objectStore.secretKey, objectStore.endpoint());
        Files.createDirectories(objectStore.bucket("invoices"));
        Files.writeString(objectStore.object("invoices", "INV-7.txt"), "发票 INV-7: 120 CNY", StandardCharsets.UTF_8);
        deploy("s3.camel.yaml", """
                - route:
                    id: reports-to-s3
                    from:
                      uri: "file:%1$s/s3-out"
                      parameters:
                        charset: UTF-8
                      steps:
                        - setHeader:
                            name: CamelAwsS3Key
                            simple: "daily/${file:name}"
                        - to: "aws2-s3://reports?autoCreateBucket=true&%2$s"
                - route:
                    id: invoices-from-s3
                    from:
                      uri: "aws2-s3://invoices?deleteAfterRead=true&delay=500&%2$s"
                      steps:
                        - setHeader:
                            name: CamelFileName
                            simple: "${header.CamelAwsS3Key}"
                        - to: "file:%1$s/s3-in"
                """.formatted(work, s3));
        write("s3-out/2026-12-07.csv", "queue,handled\n售后,42\n");
        Path report = objectStore.object("reports", "daily/2026-12-07.csv");
        assertEquals("queue,handled\n售后,42\n", Api.await("the report in the store", WAIT, () -> {
            try {
                String s = Files.isRegularFile(report) ? Files.readString(report, StandardCharsets.UTF_8) : null;
                return s != null && s.endsWith("\n") ? s : null;
            } catch (IOException e) {
                return null;
            }
        }));
        assertEquals("发票 INV-7: 120 CNY", awaitOnlyFile("s3-in"));
        Api.await("the fetched invoice deleted in the store", WAIT,
                () -> !Files.exists(objectStore.object("invoices", "INV-7.txt")));
    }

    @Test
    @Order(14)
    void aRouteFileServesHttpBehindTheLogin() {
        deploy("shop.camel.yaml", """
                - rest:
                    path: /orders
                    post:
                      - to: "direct:order"
                - route:
                    id: take-order
                    from:
                      uri: "direct:order"
                      steps:
                        - setHeader:
                            name: orderId
                            jsonpath: "$.id"
                        - setHeader:
                            name: CamelHttpResponseCode
                            constant: 201
                        - setHeader:
                            name: Content-Type
                            constant: "application/json; charset=UTF-8"
                        - setBody:
                            simple: '{"accepted":"${header.orderId}","by":"${header.sbUser}"}'
                - route:
                    id: order-status
                    from:
                      uri: "rest:get:/orders/{id}"
                      steps:
                        - setBody:
                            simple: "订单 ${header.id}: shipped"
                """);
        String orders = "/switchboard/routes/shop.camel.yaml/orders";
        assertEquals(401, api.call("POST", orders, "{\"id\":\"SO-9\"}", null).status());
        Api.Reply created = api.expect(201, "POST", orders, "{\"id\":\"SO-9\"}", api.admin());
        assertEquals("SO-9", created.json().getString("accepted"), created.body());
        assertEquals(TestServer.ADMIN, created.json().getString("by"), created.body());
        Api.Reply status = api.expect(200, "GET", orders + "/SO-9", null, api.admin());
        assertEquals("订单 SO-9: shipped", status.body());
        assertEquals(401, api.call("GET", orders + "/SO-9", null, null).status());
        assertEquals(404, api.call("GET", "/switchboard/routes/shop.camel.yaml/nothing-here", null, api.admin()).status());
        assertEquals(405, api.call("DELETE", orders + "/SO-9", null, api.admin()).status());
        // a body over the limit is refused before the route sees it
        Api.Reply tooBig = api.call("POST", orders, "{\"id\":\"" + "x".repeat(1_100_000) + "\"}", api.admin());
        assertEquals(413, tooBig.status(), tooBig.body().length() > 300 ? tooBig.body().substring(0, 300) : tooBig.body());

        // a removed file's paths are gone with it
        try {
            Files.delete(server.home().resolve("deploy/shop.camel.yaml"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Api.await("the file's paths gone", WAIT, () -> api.call("GET", orders + "/SO-9", null, api.admin()).status() == 404);
    }

    @Test
    @Order(15)
    void removingAComponentFeatureRefreshesNothingEither() {
        int before = server.log().length();
        // (a feature whose components a running route file uses should not be removed under it: its bundles
        // would go while the file's context still holds their classes)
        server.shell("feature:uninstall switchboard-camel-bindy");
        String list = server.shell("feature:list -i");
        assertFalse(list.contains("switchboard-camel-bindy "), list);
        String uninstallLog = server.log().substring(before);
        assertTrue(uninstallLog.contains("Uninstalling bundles"), uninstallLog);
        assertFalse(uninstallLog.contains("Refreshing bundles"), uninstallLog);
        assertEquals(202, visitorWrites("still here").status());
    }
}
