package io.switchboard.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.switchboard.testkit.TestMail;
import io.switchboard.testkit.TestServer;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The email channel on the distribution as built, against GreenMail (a real IMAP and SMTP server
 * started by the test on free ports): a customer's mail reaches the agents, the agent's answer
 * reaches the customer threaded, and the customer's reply lands in the same conversation.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmailIT {

    static final String PASSWORD = "It-" + UUID.randomUUID();
    static final String SERVICE = "service@example.com";
    static final String MAILBOX_PASSWORD = "mailbox-" + UUID.randomUUID();
    static final String PID = "io.switchboard.channel.email";
    static final Duration WAIT = Duration.ofSeconds(30);

    static GreenMail mail;
    static GreenMailUser service;
    static TestServer server;
    static Api api;

    @BeforeAll
    static void boot() {
        mail = new GreenMail(new ServerSetup[] {new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort(),
                new ServerSetup(0, "127.0.0.1", "imap").dynamicPort()});
        mail.start();
        service = mail.setUser(SERVICE, SERVICE, MAILBOX_PASSWORD);
        server = Distribution.unpack(PASSWORD)
                .configure(PID, "imapHost", "127.0.0.1")
                .configure(PID, "imapPort", Integer.toString(mail.getImap().getPort()))
                .configure(PID, "imapSecurity", "none")
                .configure(PID, "username", SERVICE)
                .configure(PID, "password", MAILBOX_PASSWORD)
                .configure(PID, "smtpHost", "127.0.0.1")
                .configure(PID, "smtpPort", Integer.toString(mail.getSmtp().getPort()))
                .configure(PID, "smtpSecurity", "none")
                .configure(PID, "fromAddress", SERVICE)
                .configure(PID, "fromName", "客服中心")
                .configure(PID, "pollSeconds", "1")
                // large enough that the 60 MB mail's file is taken, streamed into the attachment store
                .configure(PID, "maxMailBytes", Long.toString(100L << 20))
                .configure("io.switchboard.conversation", "botEnabled", "false")
                .requireRoutes("switchboard-conversation/conversation-inbound", "switchboard-email/email-poll",
                        "switchboard-email/email-received", "switchboard-email/email-outbound");
        server.start();
        api = new Api(server);
    }

    @AfterAll
    static void shutDown() {
        if (server != null) {
            server.stop();
        }
        if (mail != null) {
            mail.stop();
        }
    }

    static void deliver(String raw) throws Exception {
        byte[] bytes = raw.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        service.deliver(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(bytes)));
    }

    static String b64(String text, Charset charset) {
        return Base64.getMimeEncoder().encodeToString(text.getBytes(charset));
    }

    /** Null while the API does not answer 200: web bundles installed after boot restart Jetty's context once. */
    static JsonObject conversationOf(String address) {
        Api.Reply r = api.call("GET", "/switchboard/api/conversations?state=all&limit=200", null, api.admin());
        if (r.status() != 200) {
            return null;
        }
        return r.array().stream()
                .map(JsonValue::asJsonObject)
                .filter(c -> c.getJsonObject("address").getString("channel").equals("email")
                        && c.getJsonObject("address").getString("address").equals(address))
                .findFirst().orElse(null);
    }

    static List<JsonObject> inbound(String conversationId) {
        Api.Reply r = api.call("GET", "/switchboard/api/conversations/" + conversationId + "/messages", null, api.admin());
        if (r.status() != 200) {
            return List.of();
        }
        return r.array().stream().map(JsonValue::asJsonObject).filter(m -> m.getString("direction").equals("INBOUND")).toList();
    }

    static List<MimeMessage> mailsTo(String address) {
        return Arrays.stream(mail.getReceivedMessages()).filter(m -> {
            try {
                return m.getHeader("To", ",").contains(address);
            } catch (Exception e) {
                return false;
            }
        }).toList();
    }

    @Test
    @Order(1)
    void aMailReachesTheAgentTheAnswerThreadsAndTheCustomersReplyLandsInTheSameConversation() throws Exception {
        String customer = "li.lei." + UUID.randomUUID().toString().substring(0, 8) + "@kunde.example.cn";
        String subject = "快递延误投诉（朱镕基路店）";
        String text = "你好，我的快递 SF1234567890 三天了还没到 📦😡，请帮忙查一下。";
        String attachment = "订单号: SF1234567890\n金额: ¥128 ✅\n";
        deliver("""
                From: =?UTF-8?B?%s?= <%s>
                To: %s
                Subject: =?GB2312?B?%s?=
                Message-ID: <first-%s>
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="mixed"

                --mixed
                Content-Type: multipart/alternative; boundary="alt"

                --alt
                Content-Type: text/plain; charset=UTF-8
                Content-Transfer-Encoding: base64

                %s
                --alt
                Content-Type: text/html; charset=UTF-8

                <p>HTML version</p>
                --alt--
                --mixed
                Content-Type: text/plain; charset=UTF-8; name="=?UTF-8?B?%s?="
                Content-Disposition: attachment; filename="=?UTF-8?B?%s?="
                Content-Transfer-Encoding: base64

                %s
                --mixed--
                """.formatted(b64("李雷", StandardCharsets.UTF_8), customer.toUpperCase(), SERVICE,
                b64(subject, Charset.forName("GBK")).replace("\r\n", ""), customer, b64(text, StandardCharsets.UTF_8),
                b64("订单.txt", StandardCharsets.UTF_8), b64("订单.txt", StandardCharsets.UTF_8),
                b64(attachment, StandardCharsets.UTF_8)));

        JsonObject conversation = Api.await("the customer's conversation", WAIT, () -> conversationOf(customer));
        String conversationId = conversation.getString("id");
        JsonObject first = Api.await("the customer's mail", WAIT, () -> {
            List<JsonObject> in = inbound(conversationId);
            return in.isEmpty() ? null : in.get(0);
        });
        assertEquals("email", first.getJsonObject("address").getString("channel"));
        assertEquals(customer, first.getJsonObject("address").getString("address"));
        assertEquals(text, first.getJsonArray("parts").getJsonObject(0).getString("text"));
        assertEquals(subject, first.getJsonObject("headers").getString("emailSubject"));
        JsonObject file = first.getJsonArray("parts").getJsonObject(1);
        assertEquals("FILE", file.getString("kind"));
        assertEquals("订单.txt", file.getString("name"));
        assertEquals(attachment, api.expect(200, "GET", file.getString("url"), null, api.admin()).body());
        assertEquals(401, api.call("GET", file.getString("url"), null, null).status(), "attachments need a login");

        String answer = "您好，李先生：已联系快递员，包裹明天上午送达 🚚🙏";
        api.expect(201, "POST", "/switchboard/api/conversations/" + conversationId + "/replies",
                "{\"text\":\"" + answer + "\",\"replyId\":\"em-r1-" + UUID.randomUUID().toString().substring(0, 8) + "\"}", api.admin());
        MimeMessage sent = Api.await("the answer in the customer's mailbox", WAIT, () -> {
            List<MimeMessage> m = mailsTo(customer);
            return m.isEmpty() ? null : m.get(0);
        });
        assertEquals("Re: " + subject, sent.getSubject());
        assertEquals("<first-" + customer + ">", sent.getHeader("In-Reply-To", null));
        assertEquals("<first-" + customer + ">", sent.getHeader("References", null));
        String ourId = sent.getHeader("Message-ID", null);
        assertTrue(ourId != null && ourId.endsWith("@example.com>"), ourId);
        assertTrue(sent.getContentType().toLowerCase().contains("charset=utf-8"), sent.getContentType());
        assertEquals(answer, ((String) sent.getContent()).strip());
        assertEquals("客服中心", ((jakarta.mail.internet.InternetAddress) sent.getFrom()[0]).getPersonal());

        String reply = "收到，非常感谢！👍 明天家里有人。";
        deliver("""
                From: %s
                To: %s
                Subject: =?UTF-8?B?%s?=
                Message-ID: <second-%s>
                In-Reply-To: %s
                References: <first-%s> %s
                MIME-Version: 1.0
                Content-Type: text/plain; charset=UTF-8
                Content-Transfer-Encoding: base64

                %s
                """.formatted(customer, SERVICE, b64("Re: " + subject, StandardCharsets.UTF_8).replace("\r\n", ""),
                customer, ourId, customer, ourId, b64(reply, StandardCharsets.UTF_8)));
        List<JsonObject> both = Api.await("the customer's reply in the same conversation", WAIT, () -> {
            List<JsonObject> in = inbound(conversationId);
            return in.size() >= 2 ? in : null;
        });
        assertEquals(reply, both.get(1).getJsonArray("parts").getJsonObject(0).getString("text"));
        assertEquals(conversationId, both.get(1).getString("conversationId"));
        assertEquals(1, api.call("GET", "/switchboard/api/conversations?state=all&limit=200", null, api.admin()).array()
                .stream().map(JsonValue::asJsonObject)
                .filter(c -> c.getJsonObject("address").getString("address").equals(customer)).count(),
                "the reply opened a second conversation");
    }

    @Test
    @Order(2)
    void aChangedConfigurationAppliesWithoutARestart() throws Exception {
        long activations = server.log().lines().filter(l -> l.contains("Email channel active")).count();
        server.configure(PID, "fromName", "售后服务部");
        Api.await("the channel to restart with the new configuration", WAIT,
                () -> server.log().lines().filter(l -> l.contains("Email channel active")).count() > activations);
        String customer = "han.meimei." + UUID.randomUUID().toString().substring(0, 8) + "@kunde.example.cn";
        deliver("""
                From: %s
                To: %s
                Subject: =?UTF-8?B?%s?=
                Message-ID: <reload-%s>
                Content-Type: text/html; charset=UTF-8
                Content-Transfer-Encoding: base64

                %s
                """.formatted(customer, SERVICE, b64("发票", StandardCharsets.UTF_8), customer,
                b64("<html><body><p>发票抬头写错了&nbsp;😟</p><p>能重开吗？</p></body></html>", StandardCharsets.UTF_8)));
        JsonObject conversation = Api.await("the new customer's conversation", WAIT, () -> conversationOf(customer));
        JsonObject first = Api.await("the HTML mail", WAIT, () -> {
            List<JsonObject> in = inbound(conversation.getString("id"));
            return in.isEmpty() ? null : in.get(0);
        });
        assertEquals("发票抬头写错了 😟\n\n能重开吗？", first.getJsonArray("parts").getJsonObject(0).getString("text"));
        api.expect(201, "POST", "/switchboard/api/conversations/" + conversation.getString("id") + "/replies",
                "{\"text\":\"可以，已为您重开。\",\"replyId\":\"em-r2-" + UUID.randomUUID().toString().substring(0, 8) + "\"}",
                api.admin());
        MimeMessage sent = Api.await("the answer", WAIT, () -> {
            List<MimeMessage> m = mailsTo(customer);
            return m.isEmpty() ? null : m.get(0);
        });
        assertEquals("售后服务部", ((jakarta.mail.internet.InternetAddress) sent.getFrom()[0]).getPersonal());
        assertEquals("Re: 发票", sent.getSubject());
    }

    /**
     * On the server's own heap, 512 MB as shipped: a 60 MB mail whose 45 MB file is streamed into the
     * attachment store, and an HTML mail of 200,000 unclosed {@code <style>} tags, each in the agent's
     * conversation within seconds, the file byte for byte.
     */
    @Test
    @Order(3)
    void aSixtyMegabyteMailAndAHostileHtmlMailArePassedOnWithinSecondsOnTheShippedHeap(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) throws Exception {
        String command = server.jvm().orElseThrow().info().commandLine().orElse("");
        assertTrue(command.contains("-Xmx512M"), "the server does not run on the shipped 512 MB heap: " + command);

        String large = "large." + UUID.randomUUID().toString().substring(0, 8) + "@kunde.example.cn";
        TestMail mail60 = TestMail.withFile(dir.resolve("large.eml"), large, SERVICE, "large-" + large, "扫描件在附件里，请查收。",
                45L << 20, 18);
        assertTrue(mail60.size() > 60_000_000, "not a 60 MB mail: " + mail60.size());
        String hostile = "styles." + UUID.randomUUID().toString().substring(0, 8) + "@kunde.example.cn";
        String html = "<p>您好，请回电</p>" + "<style>".repeat(200_000) + "p{color:red}";

        long started = System.nanoTime();
        try (jakarta.mail.util.SharedFileInputStream in = new jakarta.mail.util.SharedFileInputStream(mail60.file().toFile())) {
            service.deliver(new MimeMessage(Session.getInstance(new Properties()), in));
        }
        deliver("""
                From: %s
                To: %s
                Subject: =?UTF-8?B?%s?=
                Message-ID: <styles-%s>
                MIME-Version: 1.0
                Content-Type: text/html; charset=UTF-8
                Content-Transfer-Encoding: base64

                %s
                """.formatted(hostile, SERVICE, b64("回电", StandardCharsets.UTF_8), hostile, b64(html, StandardCharsets.UTF_8)));

        JsonObject htmlMail = firstInbound(hostile, Duration.ofSeconds(60));
        long htmlMs = (System.nanoTime() - started) / 1_000_000;
        assertEquals("您好，请回电", htmlMail.getJsonArray("parts").getJsonObject(0).getString("text"));
        JsonObject largeMail = firstInbound(large, Duration.ofSeconds(60));
        long largeMs = (System.nanoTime() - started) / 1_000_000;
        assertEquals("扫描件在附件里，请查收。", largeMail.getJsonArray("parts").getJsonObject(0).getString("text"));
        JsonObject file = largeMail.getJsonArray("parts").getJsonObject(1);
        assertEquals(TestMail.FILE_NAME, file.getString("name"));

        java.net.http.HttpResponse<java.io.InputStream> download = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(server.url(file.getString("url")))
                        .header("Authorization", TestServer.basicAuth("admin", PASSWORD)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, download.statusCode());
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        long bytes = 0;
        try (java.io.InputStream in = download.body()) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; bytes += n) {
                sha.update(buffer, 0, n);
            }
        }
        assertEquals(mail60.fileBytes(), bytes);
        assertEquals(mail60.sha256(), java.util.HexFormat.of().formatHex(sha.digest()));
        System.out.printf("On the server's 512 MB heap: the HTML mail of 200,000 unclosed <style> tags reached the agent %d ms"
                + " after delivery, the %d-byte mail %d ms after%n", htmlMs, mail60.size(), largeMs);
    }

    static JsonObject firstInbound(String address, Duration wait) {
        JsonObject conversation = Api.await("the conversation of " + address, wait, () -> conversationOf(address));
        return Api.await("the mail of " + address, wait, () -> {
            List<JsonObject> in = inbound(conversation.getString("id"));
            return in.isEmpty() ? null : in.get(0);
        });
    }
}
