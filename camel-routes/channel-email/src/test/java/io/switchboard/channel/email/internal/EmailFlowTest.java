package io.switchboard.channel.email.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.ChannelAddress;
import io.switchboard.api.ContentPart;
import io.switchboard.api.Direction;
import io.switchboard.api.Message;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.bus.internal.ArtemisBus;
import io.switchboard.rest.SourceRate;
import io.switchboard.store.internal.JdbcStore;
import io.switchboard.testkit.TestMail;
import io.switchboard.testkit.TestBroker;
import io.switchboard.testkit.TestDatabase;
import jakarta.jms.TextMessage;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The channel against GreenMail (a real IMAP and SMTP server on free ports), a real broker and H2:
 * a customer's mail reaches sb.inbound whole and leaves the folder only once it is there, an
 * agent's answer goes out threaded, the customer's reply to it finds its conversation, what cannot
 * be read is dead-lettered with its reason, and a sender over their rate waits in the folder.
 */
class EmailFlowTest {

    static final String SERVICE = "service@example.com";
    static final String CUSTOMER = "wang.xiaoming@kunde.example.cn";
    static final String PASSWORD = "secret-" + System.nanoTime();

    TestBroker broker;
    TestDatabase db;
    ArtemisBus bus;
    JdbcStore store;
    GreenMail mail;
    GreenMailUser service;
    CamelContext camel;
    Mailbox mailbox;
    final CanonicalJson json = new CanonicalJson();
    final MailRuntime runtime = new MailRuntime();

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start();
        db = database();
        bus = ArtemisBus.connect(broker.amqpUrl(), "test", "test");
        store = new JdbcStore(db.dataSource());
        store.migrate(EmailChannel.CHANGELOG, getClass().getClassLoader());
        mail = new GreenMail(new ServerSetup[] {new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort(),
                new ServerSetup(0, "127.0.0.1", "imap").dynamicPort()});
        mail.start();
        service = mail.setUser(SERVICE, SERVICE, PASSWORD);
    }

    /** H2 here; {@link EmailFlowPostgresTest} runs the same on PostgreSQL. */
    TestDatabase database() {
        return TestDatabase.h2();
    }

    void startChannel(int ratePerMinute) throws Exception {
        startChannel(ratePerMinute, Mailbox.Limits.DEFAULT);
    }

    void startChannel(int ratePerMinute, Mailbox.Limits limits) throws Exception {
        startChannel(ratePerMinute, limits, "Switchboard");
    }

    void startChannel(int ratePerMinute, Mailbox.Limits limits, String processedFolder) throws Exception {
        MailServer imap = new MailServer("127.0.0.1", mail.getImap().getPort(), "none", SERVICE, PASSWORD, 5, false);
        MailServer smtp = new MailServer("127.0.0.1", mail.getSmtp().getPort(), "none", SERVICE, PASSWORD, 5, false);
        mailbox = new Mailbox(imap, "INBOX", processedFolder, 50, limits, Duration.ofMillis(300), runtime);
        camel = new DefaultCamelContext();
        camel.addComponent("bus", BundleRoutes.busComponent(bus));
        camel.addRoutes(new EmailRoutes(bus, store, json, new MailReader(runtime), mailbox,
                new MailSender(smtp, SERVICE, "客服中心", runtime), ratePerMinute > 0 ? new SourceRate(ratePerMinute) : null,
                Duration.ofMillis(300), "Your enquiry"));
        camel.start();
    }

    @AfterEach
    void stop() {
        if (camel != null) {
            camel.stop();
        }
        if (mailbox != null) {
            mailbox.close();
        }
        mail.stop();
        bus.deactivate();
        broker.close();
        db.close();
    }

    void deliver(byte[] raw) throws Exception {
        service.deliver(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw)));
    }

    /** A mail from a file, as GreenMail takes it: parsed, its parts left in the file. */
    void deliver(java.nio.file.Path file) throws Exception {
        try (jakarta.mail.util.SharedFileInputStream in = new jakarta.mail.util.SharedFileInputStream(file.toFile())) {
            service.deliver(new MimeMessage(Session.getInstance(new Properties()), in));
        }
    }

    /** Size and SHA-256 of a kept attachment, read from its column as a stream. */
    String[] kept(String attachmentId) {
        return store.inTransaction(s -> {
            try (java.sql.PreparedStatement ps = s.connection().prepareStatement(
                    "SELECT size, content FROM email_attachment WHERE id = ?")) {
                ps.setString(1, attachmentId);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
                    long read = 0;
                    try (java.io.InputStream in = rs.getBinaryStream(2)) {
                        byte[] buffer = new byte[1 << 16];
                        for (int n; (n = in.read(buffer)) > 0; ) {
                            sha.update(buffer, 0, n);
                            read += n;
                        }
                    }
                    return new String[] {String.valueOf(rs.getLong(1)), String.valueOf(read),
                            java.util.HexFormat.of().formatHex(sha.digest())};
                } catch (java.security.NoSuchAlgorithmException | java.io.IOException e) {
                    throw new java.sql.SQLException(e);
                }
            }
        });
    }

    Message inbound(long timeoutMs) throws Exception {
        TextMessage m = TestBroker.receive(bus.connectionFactory(), BusAddress.INBOUND, timeoutMs);
        return m == null ? null : json.fromJson(m.getText(), Message.class);
    }

    /** Messages in a folder of the service mailbox, and how many are \Seen, as an IMAP client sees them. */
    int[] folder(String name) throws Exception {
        Store s = Session.getInstance(new Properties()).getStore("imap");
        s.connect("127.0.0.1", mail.getImap().getPort(), SERVICE, PASSWORD);
        try {
            Folder f = s.getFolder(name);
            if (!f.exists()) {
                return new int[] {0, 0};
            }
            f.open(Folder.READ_ONLY);
            int seen = (int) Arrays.stream(f.getMessages()).filter(m -> {
                try {
                    return m.isSet(Flags.Flag.SEEN);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).count();
            int[] result = {f.getMessageCount(), seen};
            f.close(false);
            return result;
        } finally {
            s.close();
        }
    }

    static void await(String what, java.util.concurrent.Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.call()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    List<MimeMessage> sentTo(String address) throws Exception {
        return Arrays.stream(mail.getReceivedMessages()).filter(m -> {
            try {
                return m.getHeader("To", ",").contains(address);
            } catch (Exception e) {
                return false;
            }
        }).toList();
    }

    @Test
    void aCustomersMailReachesTheBusAndTheAnswerAndTheReplyThreadIntoOneConversation() throws Exception {
        startChannel(0);
        byte[] pdf = "%PDF-1.4 发票 \u0000\u00ff binary".getBytes(StandardCharsets.UTF_8);
        String subject = "关于订单的问题（朱镕基路店）";
        String text = "您好，我的订单 A-1188 还没到 📦，能帮我查一下吗？";
        deliver(Mails.withAttachment("Wang.XiaoMing@Kunde.Example.CN", "first@kunde.example.cn",
                Mails.word(subject, "GB2312", Mails.GBK), text, "<p>HTML</p>", pdf));

        Message in = inbound(10_000);
        assertNotNull(in, "the customer's mail did not reach sb.inbound");
        assertEquals(new ChannelAddress("email", CUSTOMER), in.address());
        assertEquals(Direction.INBOUND, in.direction());
        assertEquals(text, in.text());
        assertEquals(subject, in.headers().get("emailSubject"));
        assertEquals("first@kunde.example.cn", in.channelMessageId());
        assertEquals("王小明", in.headers().get("emailFromName"));
        ContentPart file = in.parts().get(1);
        assertEquals(ContentPart.Kind.FILE, file.kind());
        assertEquals("发票.pdf", file.name());
        assertEquals("application/pdf", file.mimeType());
        String attachmentId = Attachments.idIn(file.url());
        assertNotNull(attachmentId, file.url());
        assertArrayEquals(pdf, store.inTransaction(s -> Attachments.find(s, attachmentId)).orElseThrow().content());
        assertNull(inbound(300), "one mail made two messages");
        await("the mail to leave the inbox", () -> folder("INBOX")[0] == 0 && folder("Switchboard")[0] == 1);

        // the agent answers in conversation c-1
        Message answer = new Message("0190a1b2-0000-7000-8000-000000000001", null, Direction.OUTBOUND,
                new ChannelAddress("email", CUSTOMER), "c-1", null, "agent-1", Instant.now(),
                List.of(ContentPart.text("您好！已为您查询，包裹明天送达 🚚\n祝好")), Map.of());
        bus.send(EmailRoutes.OUTBOUND, json.toJson(answer), Map.of(BusAddress.PAYLOAD_TYPE, "Message"));
        await("the answer at the customer's", () -> sentTo(CUSTOMER).size() == 1);
        MimeMessage out = sentTo(CUSTOMER).get(0);
        String ourId = "sb." + answer.id() + "@example.com";
        assertEquals("<" + ourId + ">", out.getHeader("Message-ID", null));
        assertEquals("<first@kunde.example.cn>", out.getHeader("In-Reply-To", null));
        assertEquals("<first@kunde.example.cn>", out.getHeader("References", null));
        assertEquals("Re: " + subject, out.getSubject());
        assertTrue(out.getHeader("From", null).contains(SERVICE));
        assertEquals("客服中心", ((jakarta.mail.internet.InternetAddress) out.getFrom()[0]).getPersonal());
        assertTrue(out.getContentType().toLowerCase().contains("utf-8"), out.getContentType());
        assertEquals("您好！已为您查询，包裹明天送达 🚚\n祝好", ((String) out.getContent()).strip());

        // a redelivery of the same answer does not mail the customer twice
        bus.send(EmailRoutes.OUTBOUND, json.toJson(answer), Map.of(BusAddress.PAYLOAD_TYPE, "Message"));
        Thread.sleep(1000);
        assertEquals(1, sentTo(CUSTOMER).size());

        // the customer replies to our answer
        deliver(Mails.plain("Wang Xiaoming <" + CUSTOMER + ">", "second@kunde.example.cn",
                "=?UTF-8?B?" + Mails.b("Re: " + subject, StandardCharsets.UTF_8) + "?=", ourId, "收到，谢谢！👍"));
        Message reply = inbound(10_000);
        assertNotNull(reply);
        assertEquals("c-1", reply.conversationId(), "the reply did not find the conversation of our answer");
        assertEquals("收到，谢谢！👍", reply.text());
        assertEquals(ourId, reply.headers().get("emailInReplyTo"));

        // someone else quoting our Message-ID does not get into that conversation
        deliver(Mails.plain("intruder@example.org", "third@example.org", "Re: x", ourId, "hello"));
        Message other = inbound(10_000);
        assertNotNull(other);
        assertNull(other.conversationId());
    }

    @Test
    void anAnswerWithAFileCarriesItAsAnAttachment() throws Exception {
        startChannel(0);
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2, 3};
        deliver(Mails.bytes("""
                From: %s
                Subject: photo
                Message-ID: <img@x>
                Content-Type: multipart/mixed; boundary="b"

                --b
                Content-Type: image/png
                Content-Disposition: attachment; filename*=UTF-8''%%E7%%85%%A7%%E7%%89%%87.png
                Content-Transfer-Encoding: base64

                %s
                --b--
                """.formatted(CUSTOMER, java.util.Base64.getEncoder().encodeToString(png))));
        Message in = inbound(10_000);
        assertNotNull(in);
        ContentPart image = in.parts().get(0);
        assertEquals(ContentPart.Kind.IMAGE, image.kind());
        assertEquals("照片.png", image.name());

        Message answer = new Message("0190a1b2-0000-7000-8000-000000000002", null, Direction.OUTBOUND,
                new ChannelAddress("email", CUSTOMER), "c-2", null, "agent-1", Instant.now(),
                List.of(ContentPart.text("Is this the one?"), image), Map.of());
        bus.send(EmailRoutes.OUTBOUND, json.toJson(answer), Map.of(BusAddress.PAYLOAD_TYPE, "Message"));
        await("the answer", () -> sentTo(CUSTOMER).size() == 1);
        MimeMultipart mixed = (MimeMultipart) sentTo(CUSTOMER).get(0).getContent();
        assertEquals(2, mixed.getCount());
        assertEquals("照片.png", jakarta.mail.internet.MimeUtility.decodeText(mixed.getBodyPart(1).getFileName()));
        assertArrayEquals(png, mixed.getBodyPart(1).getInputStream().readAllBytes());
        assertEquals("Re: photo", sentTo(CUSTOMER).get(0).getSubject());
    }

    @Test
    void anUnreadableMailIsDeadLetteredWithItsReasonAndNothingIsLost() throws Exception {
        startChannel(0);
        deliver(Mails.bytes("Subject: no sender\nMessage-ID: <bad@x>\n\nwho wrote this?\n"));
        TextMessage dead = TestBroker.receive(bus.connectionFactory(), BusAddress.deadLetter(EmailRoutes.RECEIVED), 10_000);
        assertNotNull(dead, "the unreadable mail was not dead-lettered");
        String reason = dead.getStringProperty(BusAddress.DEAD_LETTER_REASON);
        assertTrue(reason.contains("From"), reason);
        assertEquals(EmailRoutes.RECEIVED, dead.getStringProperty(BusAddress.DEAD_LETTER_ORIGIN));
        assertTrue(dead.getText().contains("who wrote this?"), "the dead letter is not the mail as received");
        assertNull(inbound(300));
        await("the mail to leave the inbox", () -> folder("INBOX")[0] == 0);
    }

    @Test
    void aSenderOverTheRateWaitsInTheFolderAndOthersGoOn() throws Exception {
        startChannel(2);
        for (int i = 1; i <= 4; i++) {
            deliver(Mails.plain(CUSTOMER, "flood-" + i + "@x", "spam " + i, null, "第 " + i + " 封"));
        }
        deliver(Mails.plain("other@example.org", "calm@x", "hi", null, "正常邮件"));
        List<String> texts = new java.util.ArrayList<>();
        Message m;
        while ((m = inbound(3000)) != null) {
            texts.add(m.text());
        }
        assertEquals(List.of("第 1 封", "第 2 封", "正常邮件"), texts);
        assertEquals(2, folder("INBOX")[0], "deferred mails must stay in the folder");
        assertEquals(0, folder("INBOX")[1], "deferred mails must not be marked");
    }

    @Test
    void aMailIsLeftInTheFolderUntilTheBusHasIt() throws Exception {
        deliver(Mails.plain(CUSTOMER, "keep@x", "hi", null, "别丢了"));
        MailServer imap = new MailServer("127.0.0.1", mail.getImap().getPort(), "none", SERVICE, PASSWORD, 5, false);
        try (Mailbox box = new Mailbox(imap, "INBOX", "", 10, Duration.ofMillis(100), runtime)) {
            assertEquals(0, box.poll((raw, from, id) -> {
                throw new io.switchboard.bus.BusUnavailableException("broker down", null);
            }));
            assertTrue(box.failing());
            assertArrayEquals(new int[] {1, 0}, folder("INBOX"), "a mail not on the bus was marked or moved");
            Thread.sleep(150);
            assertEquals(1, box.poll((raw, from, id) -> { }));
            assertArrayEquals(new int[] {1, 1}, folder("INBOX"), "without a processed folder a taken mail is flagged \\Seen");
            assertEquals(0, box.poll((raw, from, id) -> { }), "a \\Seen mail was read again");
        }
    }

    @Test
    void aSixtyMegabyteMailIsReadPartByPartItsFileStreamedIntoTheStore(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        TestMail large = TestMail.withFile(dir.resolve("large.eml"), CUSTOMER, SERVICE, "large@kunde.example.cn",
                "扫描件在附件里，请查收。", 45L << 20, 60);
        assertTrue(large.size() > 60_000_000, "not a 60 MB mail: " + large.size());
        deliver(large.file());
        deliver(Mails.plain(CUSTOMER, "after@kunde.example.cn", "hi", null, "下一封"));
        // handled mail flagged \Seen, not moved: GreenMail copies a moved mail in memory, in this same heap
        startChannel(0, new Mailbox.Limits(2L << 20, 100L << 20, 50L << 20), "");
        long started = System.nanoTime();

        Message in = inbound(60_000);
        assertNotNull(in, "the large mail did not reach sb.inbound");
        long ms = (System.nanoTime() - started) / 1_000_000;
        assertEquals("large@kunde.example.cn", in.channelMessageId());
        assertEquals("扫描件在附件里，请查收。", in.text());
        assertEquals("扫描件 scan", in.headers().get("emailSubject"));
        assertEquals(2, in.parts().size());
        ContentPart file = in.parts().get(1);
        assertEquals(ContentPart.Kind.FILE, file.kind());
        assertEquals("scan.pdf", file.name());
        assertEquals("application/pdf", file.mimeType());
        String[] kept = kept(Attachments.idIn(file.url()));
        assertNotNull(kept, "the file was not kept");
        assertEquals(List.of(String.valueOf(large.fileBytes()), String.valueOf(large.fileBytes()), large.sha256()),
                List.of(kept));
        // 60 MB fetched: the poll's byte budget leaves the next mail for the next poll, which takes it
        Message next = inbound(10_000);
        assertNotNull(next);
        assertEquals("下一封", next.text());
        await("both mails to be flagged handled", () -> folder("INBOX")[1] == 2);
        System.out.println("A " + large.size() + "-byte mail reached sb.inbound in " + ms + " ms; max heap "
                + Runtime.getRuntime().maxMemory() / 1_048_576 + " MB");
    }

    @Test
    void aFilePastTheMailLimitStaysOnTheServerAndTheMessageSaysSo(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        TestMail large = TestMail.withFile(dir.resolve("large.eml"), CUSTOMER, SERVICE, "too-large@kunde.example.cn", "见附件",
                6L << 20, 7);
        deliver(large.file());
        startChannel(0, new Mailbox.Limits(1L << 20, 4L << 20, 50L << 20));
        Message in = inbound(20_000);
        assertNotNull(in, "the mail was lost");
        assertEquals(1, in.parts().size(), "a file past the limit was taken");
        assertTrue(in.text().startsWith("见附件\n\n[The file \"scan.pdf\" (6.0 MB) was not taken"), in.text());
        await("the mail to be moved like any other", () -> folder("INBOX")[0] == 0 && folder("Switchboard")[0] == 1);
        int files = store.inTransaction(s -> {
            try (java.sql.Statement st = s.connection().createStatement();
                 java.sql.ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM email_attachment")) {
                rs.next();
                return rs.getInt(1);
            }
        });
        assertEquals(0, files);
    }

    @Test
    void anUnreachableServerIsRetriedQuietly() throws Exception {
        MailServer nowhere = new MailServer("127.0.0.1", TestBroker.freePort(), "none", SERVICE, PASSWORD, 1, false);
        try (Mailbox box = new Mailbox(nowhere, "INBOX", "Switchboard", 10, Duration.ofMillis(50), runtime)) {
            assertEquals(0, box.poll((raw, from, id) -> { }));
            assertTrue(box.failing());
            // within its pause the next poll does not even try
            assertEquals(0, box.poll((raw, from, id) -> { }));
        }
        assertFalse(folder("INBOX")[0] > 0);
    }
}
