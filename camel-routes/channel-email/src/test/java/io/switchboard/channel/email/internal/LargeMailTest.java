package io.switchboard.channel.email.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.mail.internet.MimeMessage;
import jakarta.mail.util.SharedFileInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A large mail made small for the bus without a mail server: what {@link LargeMail} leaves is read by
 * {@link MailReader} into the same message the whole mail would have made, its files in the store.
 */
class LargeMailTest {

    final MailRuntime runtime = new MailRuntime();
    final MailReader reader = new MailReader(runtime);
    final Map<String, byte[]> kept = new LinkedHashMap<>();
    final Map<String, String> names = new LinkedHashMap<>();
    final Mailbox.Intake files = new Mailbox.Intake() {
        @Override
        public void take(byte[] raw, String sender, String messageId) {
            fail("only files are kept here");
        }

        @Override
        public void keep(String attachmentId, String mailId, String name, String mimeType, InputStream content) {
            try {
                kept.put(attachmentId, content.readAllBytes());
                names.put(attachmentId, name + " " + mimeType + " " + mailId);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    LargeMail.Reduced reduce(InputStream raw, long maxMailBytes) throws Exception {
        return runtime.run(() -> LargeMail.read(new MimeMessage(runtime.session(new Properties()), raw), maxMailBytes, files));
    }

    @Test
    void theTextStaysInTheMailAndTheFileGoesToTheStore() throws Exception {
        byte[] pdf = new byte[300_000];
        new java.util.Random(7).nextBytes(pdf);
        byte[] raw = Mails.withAttachment("Wang.XiaoMing@Example.COM", "abc@mail.example.com",
                Mails.word("发票", "UTF-8", StandardCharsets.UTF_8), "你好，发票有误。", "<p>HTML</p>", pdf);
        LargeMail.Reduced reduced = reduce(new ByteArrayInputStream(raw), 1 << 20);
        assertEquals("abc@mail.example.com", reduced.messageId());
        assertTrue(reduced.raw().length < 5_000, "the file went on the bus: " + reduced.raw().length);

        ReceivedMail m = reader.read(reduced.raw());
        assertEquals("wang.xiaoming@example.com", m.from());
        assertEquals("王小明", m.fromName());
        assertEquals("发票", m.subject());
        assertEquals("你好，发票有误。", m.text());
        assertEquals(1, m.attachments().size());
        ReceivedMail.Attachment file = m.attachments().get(0);
        assertEquals("发票.pdf", file.name());
        assertEquals("application/pdf", file.mimeType());
        assertNull(file.content());
        assertEquals(LargeMail.storedId("abc@mail.example.com", "2"), file.storedId());
        assertArrayEquals(pdf, kept.get(file.storedId()));
        assertEquals("发票.pdf application/pdf " + EmailRoutes.nameId("abc@mail.example.com"), names.get(file.storedId()));
    }

    @Test
    void aFilePastTheMailsBudgetStaysOnTheServerAndTheAgentIsTold(@TempDir Path dir) throws Exception {
        io.switchboard.testkit.TestMail large = io.switchboard.testkit.TestMail.withFile(dir.resolve("m.eml"), "c@example.com",
                "service@example.com", "big@x", "请看附件。", 3 << 20, 1);
        LargeMail.Reduced reduced;
        try (SharedFileInputStream in = new SharedFileInputStream(large.file().toFile())) {
            reduced = reduce(in, 2 << 20);
        }
        assertTrue(kept.isEmpty(), "a file past the budget was kept");
        ReceivedMail m = reader.read(reduced.raw());
        assertTrue(m.attachments().isEmpty());
        assertTrue(m.text().startsWith("请看附件。\n\n[The file \"scan.pdf\" (3.0 MB) was not taken"), m.text());
    }

    @Test
    void aMailCannotPointAtAnotherMailsFile() {
        String othersFile = LargeMail.storedId("victim@x", "1");
        ReceivedMail m = reader.read(Mails.bytes("""
                From: c@example.com
                Message-ID: <forged@x>
                Content-Type: multipart/mixed; boundary="b"

                --b
                Content-Type: message/external-body; access-type=x-switchboard-stored; id="%s"

                Content-Type: application/pdf
                Content-Disposition: attachment; filename="theirs.pdf"

                --b--
                """.formatted(othersFile)));
        assertEquals(1, m.attachments().size());
        assertNull(m.attachments().get(0).storedId(), "a mail linked another mail's file");
        assertNotNull(m.attachments().get(0).content());
    }

    @Test
    void aMailThatIsOneFileKeepsItsHeadersAndGetsAnIdFromThem() throws Exception {
        byte[] zip = new byte[200_000];
        new java.util.Random(3).nextBytes(zip);
        byte[] raw = Mails.bytes("""
                From: Li Lei <li.lei@example.cn>
                Subject: logs
                Content-Type: application/zip; name="logs.zip"
                Content-Transfer-Encoding: base64

                %s
                """.formatted(java.util.Base64.getMimeEncoder().encodeToString(zip)));
        LargeMail.Reduced first = reduce(new ByteArrayInputStream(raw), 1 << 20);
        assertTrue(first.messageId().startsWith("large.") && first.messageId().endsWith("@switchboard.invalid"),
                first.messageId());
        assertEquals(first.messageId(), reduce(new ByteArrayInputStream(raw), 1 << 20).messageId(),
                "the same mail polled twice must be one message");
        ReceivedMail m = reader.read(first.raw());
        assertEquals(first.messageId(), m.messageId());
        assertEquals("li.lei@example.cn", m.from());
        assertEquals("logs", m.subject());
        assertEquals("logs.zip", m.attachments().get(0).name());
        assertEquals(sha256(zip), sha256(kept.get(m.attachments().get(0).storedId())));
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
