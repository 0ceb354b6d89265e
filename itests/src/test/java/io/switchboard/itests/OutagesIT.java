package io.switchboard.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.sandbox.wechat.WechatSandbox;
import io.switchboard.sandbox.wechat.WechatServer;
import io.switchboard.testkit.TcpCut;
import io.switchboard.testkit.TestBroker;
import io.switchboard.testkit.TestDatabase;
import io.switchboard.testkit.TestServer;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A bad day that heals by itself, on a server of its own: its PostgreSQL is reached through the test
 * kit's {@link TcpCut}, which cuts it off for 30 seconds while customers keep writing, over web chat
 * (whose POST needs the database, so it answers 503 and the visitor resends) and as a channel without
 * that need puts them on {@code sb.inbound} (SMS). Every message the platform took is stored once the
 * database is back, each once, and none is dead-lettered: an outage is waited out, not parked. The
 * platform's own bus is reached through a second link, cut while an agent replies: the reply waits
 * in the outbox and reaches the visitor once the broker is back. And since this server's database is
 * one the test can read, erasing a customer, and purging a conversation closed longer ago than the
 * retention period, are checked here against every table of every bundle.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class OutagesIT {

    static final String PASSWORD = "outage-" + UUID.randomUUID();
    static final Duration OUTAGE = Duration.ofSeconds(30);

    static TestDatabase database;
    static TcpCut link;
    /** Between the server's platform bus and its own broker. */
    static TcpCut busLink;
    static TestServer server;
    static Http http;
    static final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static final String WECHAT_TOKEN = "outageToken" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    static final String WECHAT_APP_ID = "wx00000000outage01";
    static final String WECHAT_SECRET = "secret-" + UUID.randomUUID();
    /** 43 characters of Base64, as WeChat's console generates. */
    static final String WECHAT_AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    static WechatSandbox wechatApi;

    @BeforeAll
    static void boot() throws IOException {
        database = TestDatabase.postgres();
        URI direct = URI.create(database.jdbcUrl().substring("jdbc:".length()));
        link = TcpCut.to(direct.getHost(), direct.getPort());
        server = Distribution.unpack(PASSWORD)
                .configure("io.switchboard.channel.webchat", "ratePerMinute", "100000");
        // a retention period from the start, swept every minute: nothing the other tests make was closed 30 days ago
        server.configure("io.switchboard.conversation", "retentionDays", "30")
                .configure("io.switchboard.conversation", "retentionSweepMinutes", "1");
        // the platform reaches its own broker through a link the test cuts; the test's own calls go straight
        busLink = TcpCut.to("127.0.0.1", URI.create(server.busUrl()).getPort());
        server.configure("io.switchboard.bus", "url", "amqp://127.0.0.1:" + busLink.port());
        // WeChat in safe mode, as in production: its pushes are signed over their body
        wechatApi = WechatSandbox.start(TestBroker.freePort()).account(WECHAT_APP_ID, WECHAT_SECRET);
        server.configure("io.switchboard.channel.wechat", "token", WECHAT_TOKEN)
                .configure("io.switchboard.channel.wechat", "appId", WECHAT_APP_ID)
                .configure("io.switchboard.channel.wechat", "appSecret", WECHAT_SECRET)
                .configure("io.switchboard.channel.wechat", "encodingAesKey", WECHAT_AES_KEY)
                .configure("io.switchboard.channel.wechat", "mode", "safe")
                .configure("io.switchboard.channel.wechat", "apiBase", wechatApi.url());
        // the server's own database on PostgreSQL, as in production, through the link the test cuts
        Files.writeString(server.home().resolve("etc/org.ops4j.datasource-switchboard.cfg"), """
                osgi.jdbc.driver.name = PostgreSQL JDBC Driver
                url = jdbc:postgresql://127.0.0.1:%d%s?connectTimeout=5&socketTimeout=60&options=-c%%20statement_timeout%%3D30s
                user = postgres
                password =
                dataSourceName = switchboard
                pool = dbcp2
                xa = false
                pool.maxTotal = 16
                pool.maxWaitMillis = 5000
                pool.testOnBorrow = true
                """.formatted(link.port(), direct.getPath()), StandardCharsets.UTF_8);
        server.start();
        http = new Http(server);
    }

    @AfterAll
    static void shutDown() {
        if (server != null) {
            server.stop();
        }
        if (link != null) {
            link.close();
        }
        if (busLink != null) {
            busLink.close();
        }
        if (wechatApi != null) {
            wechatApi.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void aThirtySecondDatabaseOutageLosesNothingAndDeadLettersNothing() throws Exception {
        int deadBefore = dead("DLQ.sb.inbound") + dead("DLQ.sb.bot");
        List<WebchatVisitor> visitors = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            WebchatVisitor v = new WebchatVisitor("outage-" + UUID.randomUUID().toString().replace("-", ""));
            visitors.add(v);
            Thread t = new Thread(v::post, "visitor-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        Thread.sleep(5000);

        link.cut();
        long cutAt = System.nanoTime();
        // what an SMS gateway hands over while the database is away: straight onto sb.inbound, as the channel does
        Map<String, List<String>> sms = new ConcurrentHashMap<>();
        Api api = new Api(server);
        for (int i = 0; i < 40; i++) {
            String phone = "+861390000" + String.format("%04d", 7100 + i % 4);
            String text = "停电期间 " + i;
            api.channelSays("sms", phone, text, PASSWORD);
            sms.computeIfAbsent(phone, k -> Collections.synchronizedList(new ArrayList<>())).add(text);
            Thread.sleep(250);
        }
        // WeChat pushes as its servers do, each tried three times with 5 s to answer, then given up
        WechatServer wechat = new WechatServer(WECHAT_TOKEN, WECHAT_APP_ID, WECHAT_AES_KEY, WechatServer.Mode.SAFE);
        URI wechatUrl = server.url("/switchboard/api/wechat/main");
        Map<String, List<String>> pushed = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 6; i++) {
            String openid = "oOutage" + (i % 2) + "x" + WECHAT_TOKEN.substring(WECHAT_TOKEN.length() - 19);
            String text = "微信停电 " + i;
            WechatServer.Delivery d = wechat.push(wechatUrl, WechatServer.text("gh_outage", openid,
                    System.currentTimeMillis() / 1000, text, 770_000L + i));
            assertTrue(d.accepted(), "WeChat gave up on a push during the outage: " + d);
            pushed.computeIfAbsent(openid, k -> new ArrayList<>()).add(text);
        }
        assertTrue((System.nanoTime() - cutAt) / 1_000_000 < OUTAGE.toMillis(), "the WeChat pushes outlasted the outage");
        Thread.sleep(Math.max(0, OUTAGE.toMillis() - (System.nanoTime() - cutAt) / 1_000_000));
        link.restore();
        Thread.sleep(10_000);
        visitors.forEach(v -> v.posting = false);
        for (Thread t : threads) {
            t.join(60_000);
        }

        int refusedDuringOutage = visitors.stream().mapToInt(v -> v.unavailable).sum();
        assertTrue(refusedDuringOutage > 0, "the web chat never noticed the outage: was the database cut?");
        for (WebchatVisitor v : visitors) {
            assertTrue(v.wrong.isEmpty(), "answers other than 202 and 503: " + v.wrong);
            List<String> stored = awaitStored(v.conversationId, v.accepted.size());
            assertEquals(v.accepted, stored, "web chat: what got a 202 is not what was stored, once and in order");
        }
        for (Map.Entry<String, List<String>> e : sms.entrySet()) {
            String conversationId = awaitConversation(e.getKey());
            assertEquals(e.getValue(), awaitStored(conversationId, e.getValue().size()),
                    "SMS taken during the outage is not what was stored, once and in order");
        }
        for (Map.Entry<String, List<String>> e : pushed.entrySet()) {
            String conversationId = awaitConversation(e.getKey());
            assertEquals(e.getValue(), awaitStored(conversationId, e.getValue().size()),
                    "WeChat pushes taken during the outage are not what was stored, once and in order");
        }
        assertEquals(deadBefore, dead("DLQ.sb.inbound") + dead("DLQ.sb.bot"), "an outage parked messages in a dead-letter queue");
    }

    /**
     * The outbox: an agent answers while the platform cannot reach its broker. The reply is stored and
     * the agent told so (201); nothing can send it yet. Once the broker is back the visitor's stream
     * has it, exactly once, without the agent doing anything again.
     */
    @Test
    @org.junit.jupiter.api.Order(4)
    void anAgentsReplyWhileTheBrokerIsAwayReachesTheVisitorOnceItIsBack() throws Exception {
        String visitor = "outbox-" + UUID.randomUUID().toString().replace("-", "");
        Http.Reply said = http.postJson("/switchboard/api/webchat/messages",
                "{\"visitorId\":\"" + visitor + "\",\"text\":\"我的包裹到哪了？\",\"clientMessageId\":\"c1\"}", false);
        assertEquals(202, said.status(), said.body());
        String conversation = Json.object(said.body()).getString("conversationId");
        assertEquals(List.of("我的包裹到哪了？"), awaitStored(conversation, 1));
        java.util.concurrent.BlockingQueue<String> stream = http.stream(visitor);

        String text = "您的包裹已发出，明天送达";
        busLink.cut();
        try {
            Http.Reply reply = http.postJson("/switchboard/api/conversations/" + conversation + "/replies",
                    "{\"text\":\"" + text + "\",\"replyId\":\"outbox-" + UUID.randomUUID().toString().replace("-", "") + "\"}", true);
            assertEquals(201, reply.status(), "a reply stored is a reply that will be sent: " + reply.body());
            assertEquals(0, heard(stream, text, Duration.ofSeconds(10)),
                    "nothing could send the reply while the broker was away, yet the stream had it");
        } finally {
            busLink.restore();
        }
        int times = heardWithin(stream, text, Duration.ofSeconds(120));
        assertEquals(1, times + heard(stream, text, Duration.ofSeconds(10)),
                "the reply reaches the visitor once the broker is back, exactly once");

        // every route's listener lost its connection in the cut: the bot's must be listening again
        String asker = "outbox-" + UUID.randomUUID().toString().replace("-", "");
        java.util.concurrent.BlockingQueue<String> asked = http.stream(asker);
        Http.Reply hello = http.postJson("/switchboard/api/webchat/messages",
                "{\"visitorId\":\"" + asker + "\",\"text\":\"你好\",\"clientMessageId\":\"c1\"}", false);
        assertEquals(202, hello.status(), hello.body());
        int answered = heardWithin(asked, "我是智能客服", Duration.ofSeconds(60));
        String greeted = Json.object(hello.body()).getString("conversationId");
        assertEquals(1, answered, "after the broker link is back, the bot greets a new visitor; waiting on sb.bot: "
                + groupsWaitingIn("sb.bot")
                + "; the conversation: "
                + http.asAdmin("/switchboard/api/conversations/" + greeted).body() + " "
                + http.asAdmin("/switchboard/api/conversations/" + greeted + "/messages").body());
    }

    /**
     * Erasure, on this server's PostgreSQL, which the test reads directly: a web-chat visitor who wrote,
     * was answered and has a delivery on their stream is erased by an admin (an agent may not), and no
     * table of any bundle holds their visitor id, conversation id, customer id or words afterwards,
     * apart from the erasure's own record of the customer id. Nor does the broker: what of theirs waited in
     * a dead-letter queue and on an address no channel reads (grouped by their conversation, or by their
     * address as before a conversation) is gone, and another person's messages there stay.
     */
    @Test
    @org.junit.jupiter.api.Order(2)
    void anErasedCustomerLeavesNothingInAnyTable() throws Exception {
        String visitor = "erase-" + UUID.randomUUID().toString().replace("-", "");
        String words = "我的身份证号是 110101199003077777";
        String answer = "已为您登记 " + UUID.randomUUID();
        String conversation = answered(visitor, words, answer);
        String customer = Json.object(http.asAdmin("/switchboard/api/conversations/" + conversation).body()).getString("customerId");
        assertTrue(!leftOf(visitor, conversation, customer, words).isEmpty(), "the person is in the tables before");

        server.addAgent("nosy", "Nosy-" + PASSWORD);
        HttpResponse<String> refused = client.send(HttpRequest.newBuilder(server.url("/switchboard/api/customers/" + customer))
                .header("Authorization", TestServer.basicAuth("nosy", "Nosy-" + PASSWORD)).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, refused.statusCode(), "an agent may not erase a customer: " + refused.body());
        String dead = "DLQ.sb.inbound";
        String unread = "sb.outbound.fax";
        String someoneElse = "webchat:erase-other-" + UUID.randomUUID().toString().replace("-", "");
        waiting(dead, conversation, words);
        waiting(dead, "webchat:" + visitor, words);
        waiting(dead, someoneElse, "我不删除");
        waiting(unread, conversation, answer);
        waiting(unread, someoneElse, "我不删除");
        assertTrue(groupsWaitingIn(dead).containsAll(List.of(conversation, "webchat:" + visitor, someoneElse)));
        HttpResponse<String> erased = client.send(HttpRequest.newBuilder(server.url("/switchboard/api/customers/" + customer))
                .header("Authorization", server.basicAuth()).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(204, erased.statusCode(), erased.body());

        assertEquals(List.of(), leftOf(visitor, conversation, customer, words), "what the tables still hold of the person");
        for (String queue : List.of(dead, unread)) {
            List<String> groups = groupsWaitingIn(queue);
            assertTrue(!groups.contains(conversation) && !groups.contains("webchat:" + visitor), "the person's messages still wait in " + queue);
            assertTrue(groups.contains(someoneElse), "another person's message went from " + queue);
            take(queue, someoneElse);
        }
        assertEquals(404, http.asAdmin("/switchboard/api/customers/" + customer).status());
        HttpResponse<String> again = client.send(HttpRequest.newBuilder(server.url("/switchboard/api/customers/" + customer))
                .header("Authorization", server.basicAuth()).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, again.statusCode(), "an erased customer is not there to erase again");
    }

    /**
     * The retention period, on this server's PostgreSQL, where {@code retentionDays} is 30 and the sweep
     * runs every minute: a visitor's web-chat conversation, answered and delivered to their stream, is
     * closed, and its close moved 40 days back in the database; their next conversation is closed today.
     * The next sweep leaves nothing of the old one in any table of any bundle: not its id, not their
     * words, not the answer. The recent one, the customer and the visitor's address stay.
     */
    @Test
    @org.junit.jupiter.api.Order(3)
    void aConversationClosedLongerAgoThanTheRetentionPeriodLeavesNothingInAnyTable() throws Exception {
        String visitor = "retain-" + UUID.randomUUID().toString().replace("-", "");
        String words = "我家门牌号是 " + UUID.randomUUID();
        String answer = "已为您记下 " + UUID.randomUUID();
        String old = answered(visitor, words, answer);
        assertEquals(200, http.postJson("/switchboard/api/conversations/" + old + "/close", "{}", true).status());

        String later = "又来了 " + UUID.randomUUID();
        Http.Reply again = http.postJson("/switchboard/api/webchat/messages",
                "{\"visitorId\":\"" + visitor + "\",\"text\":\"" + later + "\",\"clientMessageId\":\"c2\"}", false);
        assertEquals(202, again.status(), again.body());
        String recent = Json.object(again.body()).getString("conversationId");
        assertTrue(!recent.equals(old), "a visitor writing after the close has a new conversation");
        assertEquals(List.of(later), awaitStored(recent, 1));
        assertEquals(200, http.postJson("/switchboard/api/conversations/" + recent + "/close", "{}", true).status());
        String customer = Json.object(http.asAdmin("/switchboard/api/conversations/" + old).body()).getString("customerId");
        // Looked at before the close is moved back: from then on a sweep may purge it at any moment.
        List<String> oldBefore = columnsHolding(List.of(old, words, answer), (column, value) -> false);
        assertTrue(oldBefore.containsAll(List.of("sb_conversation.id", "sb_message.conversation_id", "sb_message.text",
                "sb_timeline_event.conversation_id", "webchat_delivery.body")), "the old conversation is in the tables before: " + oldBefore);
        assertEquals(1, sql("UPDATE sb_conversation SET closed_at = now() - interval '40 days' WHERE id = ?", old));

        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        List<String> left = oldBefore;
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            pause(5000);
            left = columnsHolding(List.of(old, words, answer), (column, value) -> false);
        }
        assertEquals(List.of(), left, "what the tables still hold of a conversation closed 40 days ago");
        List<String> recentAfter = columnsHolding(List.of(recent, later), (column, value) -> false);
        assertTrue(recentAfter.containsAll(List.of("sb_conversation.id", "sb_message.conversation_id", "sb_message.text",
                "sb_timeline_event.conversation_id", "webchat_visitor.conversation_id")),
                "the conversation closed today stays, and the visitor with it: " + recentAfter);
        assertEquals(1, count("SELECT COUNT(*) FROM sb_customer WHERE id = ?", customer), "the customer stays");
        assertEquals(1, count("SELECT COUNT(*) FROM sb_channel_address WHERE address = ?", visitor), "with their address");
    }

    /** Runs {@code statement}, with one parameter, on the server's database; how many rows it changed. */
    static int sql(String statement, String value) throws java.sql.SQLException {
        try (java.sql.Connection c = database.dataSource().getConnection();
             java.sql.PreparedStatement ps = c.prepareStatement(statement)) {
            ps.setString(1, value);
            return ps.executeUpdate();
        }
    }

    static int count(String query, String value) throws java.sql.SQLException {
        try (java.sql.Connection c = database.dataSource().getConnection();
             java.sql.PreparedStatement ps = c.prepareStatement(query)) {
            ps.setString(1, value);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Every text column of every table that holds any of these, as table.column: the erasure's own record aside. */
    static List<String> leftOf(String visitor, String conversation, String customer, String words) throws Exception {
        return columnsHolding(List.of(visitor, conversation, customer, words),
                (column, value) -> column.startsWith("sb_erasure.") && value.equals(customer));
    }

    /**
     * Every text column of every table (Liquibase's own aside) that holds any of {@code values}, as
     * table.column, once for each value found there, unless {@code expected} (table.column, value) allows it.
     */
    private static List<String> columnsHolding(List<String> values, java.util.function.BiPredicate<String, String> expected)
            throws Exception {
        List<String> found = new ArrayList<>();
        try (java.sql.Connection c = database.dataSource().getConnection()) {
            List<String[]> columns = new ArrayList<>();
            try (java.sql.ResultSet rs = c.getMetaData().getColumns(null, "public", "%", "%")) {
                while (rs.next()) {
                    String type = rs.getString("TYPE_NAME");
                    if (type.contains("char") || type.equals("text")) {
                        columns.add(new String[] {rs.getString("TABLE_NAME"), rs.getString("COLUMN_NAME")});
                    }
                }
            }
            for (String[] column : columns) {
                if (column[0].startsWith("databasechangelog")) {
                    continue;
                }
                String name = column[0] + "." + column[1];
                for (String value : values) {
                    if (expected.test(name, value)) {
                        continue;
                    }
                    try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM \"" + column[0] + "\" WHERE \""
                            + column[1] + "\" LIKE ?")) {
                        ps.setString(1, "%" + value + "%");
                        try (java.sql.ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            if (rs.getInt(1) > 0) {
                                found.add(name);
                            }
                        }
                    }
                }
            }
        }
        return found;
    }

    /** Puts a message of the message group {@code group} in {@code queue}, as the admin, straight on the server's broker. */
    static void waiting(String queue, String group, String text) throws JMSException {
        try (Connection c = new JmsConnectionFactory(TestServer.ADMIN, PASSWORD, server.busUrl()).createConnection();
             Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
             MessageProducer producer = s.createProducer(s.createQueue(queue))) {
            TextMessage m = s.createTextMessage("{\"text\":\"" + text + "\"}");
            m.setStringProperty("JMSXGroupID", group);
            producer.send(m);
        }
    }

    /** The message groups of what waits in {@code queue}, none taken. */
    static List<String> groupsWaitingIn(String queue) throws JMSException {
        return TestBroker.browse(new JmsConnectionFactory(TestServer.ADMIN, PASSWORD, server.busUrl()), queue, "JMSXGroupID");
    }

    /** Takes what of {@code group} waits in {@code queue}, so that a later test finds the queue as before. */
    static void take(String queue, String group) throws JMSException {
        try (Connection c = new JmsConnectionFactory(TestServer.ADMIN, PASSWORD, server.busUrl()).createConnection();
             Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
             MessageConsumer consumer = s.createConsumer(s.createQueue(queue), "JMSXGroupID = '" + group + "'")) {
            c.start();
            while (consumer.receive(1000) != null) {
                // taken
            }
        }
    }

    /** How many events with {@code text} the stream brings within {@code time}; others (the bot's) are passed over. */
    static int heard(java.util.concurrent.BlockingQueue<String> stream, String text, Duration time) throws InterruptedException {
        long end = System.nanoTime() + time.toNanos();
        int times = 0;
        String event;
        while ((event = stream.poll(Math.max(0, end - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS)) != null) {
            if (event.contains(text)) {
                times++;
            }
        }
        return times;
    }

    /** Waits until the stream brings an event with {@code text}, at most {@code patience}; how many it brought (0 or 1). */
    static int heardWithin(java.util.concurrent.BlockingQueue<String> stream, String text, Duration patience) throws InterruptedException {
        int times = 0;
        for (long start = System.nanoTime(); times == 0 && System.nanoTime() - start < patience.toNanos(); ) {
            times += heard(stream, text, Duration.ofSeconds(1));
        }
        return times;
    }

    /** A visitor writing twice a second, each message resent with its client message id until it gets its 202. */
    static final class WebchatVisitor {
        final String id;
        final List<String> accepted = Collections.synchronizedList(new ArrayList<>());
        final List<String> wrong = Collections.synchronizedList(new ArrayList<>());
        volatile String conversationId;
        volatile boolean posting = true;
        volatile int unavailable;

        WebchatVisitor(String id) {
            this.id = id;
        }

        void post() {
            for (int seq = 0; posting; seq++) {
                String text = "网聊 " + seq;
                String body = "{\"visitorId\":\"" + id + "\",\"text\":\"" + text + "\",\"clientMessageId\":\"c" + seq + "\"}";
                while (true) {
                    int status;
                    String answer;
                    try {
                        HttpResponse<String> r = client.send(HttpRequest.newBuilder(server.url("/switchboard/api/webchat/messages"))
                                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        status = r.statusCode();
                        answer = r.body();
                    } catch (IOException e) {
                        status = 0;
                        answer = e.toString();
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (status == 202) {
                        accepted.add(text);
                        if (conversationId == null) {
                            conversationId = Json.object(answer).getString("conversationId");
                        }
                        break;
                    }
                    if (status == 503) {
                        unavailable++;
                    } else if (status != 0) {
                        wrong.add(status + " " + answer);
                    }
                    pause(1000);
                }
                pause(500);
            }
        }
    }

    /** A visitor writes {@code words} on web chat and an agent's {@code answer} reaches their stream: the conversation's id. */
    static String answered(String visitor, String words, String answer) throws InterruptedException {
        Http.Reply said = http.postJson("/switchboard/api/webchat/messages",
                "{\"visitorId\":\"" + visitor + "\",\"text\":\"" + words + "\",\"clientMessageId\":\"c1\"}", false);
        assertEquals(202, said.status(), said.body());
        String conversation = Json.object(said.body()).getString("conversationId");
        assertEquals(List.of(words), awaitStored(conversation, 1));
        java.util.concurrent.BlockingQueue<String> stream = http.stream(visitor);
        assertEquals(201, http.postJson("/switchboard/api/conversations/" + conversation + "/replies",
                "{\"text\":\"" + answer + "\"}", true).status());
        assertEquals(1, heard(stream, answer, Duration.ofSeconds(30)), "the agent's answer did not reach the visitor");
        return conversation;
    }

    static List<String> awaitStored(String conversationId, int expected) {
        long deadline = System.currentTimeMillis() + 180_000;
        List<String> stored = texts(conversationId);
        while (stored.size() < expected && System.currentTimeMillis() < deadline) {
            pause(1000);
            stored = texts(conversationId);
        }
        return stored;
    }

    static String awaitConversation(String phone) {
        long deadline = System.currentTimeMillis() + 180_000;
        while (System.currentTimeMillis() < deadline) {
            Http.Reply r = http.asAdmin("/switchboard/api/conversations?state=open");
            if (r.status() == 200) {
                for (JsonValue c : r.array()) {
                    JsonObject conversation = c.asJsonObject();
                    if (conversation.getJsonObject("address").getString("address").equals(phone)) {
                        return conversation.getString("id");
                    }
                }
            }
            pause(1000);
        }
        throw new AssertionError("no conversation for " + phone + " three minutes after the outage");
    }

    static List<String> texts(String conversationId) {
        Http.Reply r = http.asAdmin("/switchboard/api/conversations/" + conversationId + "/messages?limit=1000");
        List<String> texts = new ArrayList<>();
        if (r.status() != 200) {
            return texts;
        }
        for (JsonValue v : r.array()) {
            if (v.asJsonObject().getString("direction").equals("INBOUND")) {
                texts.add(v.asJsonObject().getJsonArray("parts").getJsonObject(0).getString("text"));
            }
        }
        return texts;
    }

    static int dead(String queue) {
        Http.Reply r = http.asAdmin("/switchboard/api/dead-letters/" + queue);
        assertEquals(200, r.status(), r.body());
        return r.array().size();
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Parsing one answer. */
    static final class Json {
        static JsonObject object(String text) {
            try (var reader = jakarta.json.Json.createReader(new java.io.StringReader(text))) {
                return reader.readObject();
            }
        }
    }
}
