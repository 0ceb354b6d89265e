package io.switchboard.channel.email.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MailReaderTest {

    final MailReader reader = new MailReader(new MailRuntime());

    @Test
    void plainTextIsPreferredInAlternativeAndTheAttachmentIsKeptWhole() {
        byte[] pdf = new byte[3000];
        for (int i = 0; i < pdf.length; i++) {
            pdf[i] = (byte) (i * 7);
        }
        ReceivedMail m = reader.read(Mails.withAttachment("Wang.XiaoMing@Example.COM", "abc@mail.example.com",
                Mails.word("发票 🧾 问题", "UTF-8", StandardCharsets.UTF_8), "你好，发票有误 😀\n请看附件。",
                "<p>HTML 版本</p>", pdf));
        assertEquals("wang.xiaoming@example.com", m.from());
        assertEquals("王小明", m.fromName());
        assertEquals("abc@mail.example.com", m.messageId());
        assertEquals("发票 🧾 问题", m.subject());
        assertEquals("你好，发票有误 😀\n请看附件。", m.text());
        assertEquals(1, m.attachments().size());
        assertEquals("发票.pdf", m.attachments().get(0).name());
        assertEquals("application/pdf", m.attachments().get(0).mimeType());
        assertArrayEquals(pdf, m.attachments().get(0).content());
    }

    @Test
    void gb2312AndGbkSubjectsAndBodiesReadCorrectly() {
        // 镕 is GBK, not GB2312: Chinese clients label such text GB2312 all the same
        String subject = "关于订单的问题（朱镕基路店）";
        String body = "您好，我的订单还没有到。";
        byte[] raw = Mails.bytes("""
                From: customer@example.com
                Subject: %s
                Message-ID: <gb@example.com>
                Content-Type: text/plain; charset="gb2312"
                Content-Transfer-Encoding: base64

                %s
                """.formatted(Mails.word(subject, "GB2312", Mails.GBK), Mails.b(body, Mails.GBK)));
        ReceivedMail m = reader.read(raw);
        assertEquals(subject, m.subject());
        assertEquals(body, m.text());

        ReceivedMail gbk = reader.read(Mails.bytes("From: c@example.com\nSubject: " + Mails.word("退款申请", "GBK", Mails.GBK)
                + "\n\nhi\n"));
        assertEquals("退款申请", gbk.subject());
    }

    @Test
    void encodedWordsSplitInsideACharacterAreJoinedFirst() {
        byte[] utf8 = "订单😀".getBytes(StandardCharsets.UTF_8);
        java.util.Base64.Encoder e = java.util.Base64.getEncoder();
        String header = "=?UTF-8?B?" + e.encodeToString(java.util.Arrays.copyOfRange(utf8, 0, 8)) + "?=\r\n =?UTF-8?B?"
                + e.encodeToString(java.util.Arrays.copyOfRange(utf8, 8, utf8.length)) + "?=";
        assertEquals("订单😀", EncodedWords.decode(header));
        assertEquals("Re: 你好 world", EncodedWords.decode("Re: =?utf-8?Q?=E4=BD=A0=E5=A5=BD?= world"));
        assertEquals("a b", EncodedWords.decode("=?utf-8?Q?a?= =?utf-8?Q?_b?="));
        assertEquals("=?bogus?B?!!!?=", EncodedWords.decode("=?bogus?B?!!!?="));
        // a client that put raw UTF-8 into the header
        assertEquals("无编码主题", EncodedWords.decode(new String("无编码主题".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1)));
    }

    @Test
    void anHtmlOnlyMailBecomesReadableText() {
        String html = "<html><head><style>p{color:red}</style><title>x</title></head><body>"
                + "<p>您好&nbsp;客户，</p><p>订单&lt;A-1&gt; 已发货 &amp; 在途&#x1F69A;</p>"
                + "<ul><li>单号 SF123</li><li>预计明天</li></ul>第一行<br>第二行"
                + "<script>alert(1)</script><a href=\"https://example.com/t\">查询</a></body></html>";
        ReceivedMail m = reader.read(Mails.bytes("From: c@example.com\nSubject: hi\nContent-Type: text/html; charset=UTF-8\n"
                + "Content-Transfer-Encoding: base64\n\n" + Mails.b(html, StandardCharsets.UTF_8) + "\n"));
        assertEquals("您好 客户，\n\n订单<A-1> 已发货 & 在途🚚\n\n• 单号 SF123\n• 预计明天\n第一行\n第二行 查询 (https://example.com/t)",
                m.text());
    }

    @Test
    void markupNeverClosedIsReadInOnePass() {
        // 200,000 unclosed <style> tags took the pattern-based reader minutes; a parser takes them as the
        // text of one style element, which is not shown
        String styles = "<p>您好，请回电</p>" + "<style>".repeat(200_000) + "p{color:red}";
        ReceivedMail m = reader.read(Mails.bytes("From: c@example.com\nSubject: hi\nContent-Type: text/html; charset=UTF-8\n"
                + "Content-Transfer-Encoding: base64\n\n" + Mails.b(styles, StandardCharsets.UTF_8) + "\n"));
        assertEquals("您好，请回电", m.text());
        assertEquals("您好\n\n请回电", HtmlText.toText("<p>您好</p>" + "<div>".repeat(200_000) + "请回电"));
        assertEquals("您好", HtmlText.toText("<p>您好</p>" + "<!--".repeat(200_000) + "x"));
        assertEquals("您好 请回电", HtmlText.toText("<p>您好</p>" + "<b><i>".repeat(100_000) + "请回电").replace('\n', ' '));
    }

    @Test
    void tablesAndLinksAsAnAgentReadsThem() {
        assertEquals("单号 SF123\n\n状态 在途\n\nhttps://example.com/x\n官网 (https://example.com/)",
                HtmlText.toText("<table><tr><th>单号</th><td>SF123</td></tr><tr><td>状态</td><td>在途</td></tr></table>"
                        + "<a href=\"https://example.com/x\">https://example.com/x</a><br><a href=\"https://example.com/\">官网</a>"));
    }

    @Test
    void referencesAreReadNearestFirst() {
        ReceivedMail m = reader.read(Mails.bytes("From: c@example.com\nMessage-ID: <3@x>\nIn-Reply-To: <2@x>\n"
                + "References: <1@x>\n <2@x>\n\nhi\n"));
        assertEquals(List.of("2@x", "1@x"), m.references());
    }

    @Test
    void whatIsNotAMailIsUnreadableWithItsReason() {
        UnreadableMailException noFrom = assertThrows(UnreadableMailException.class,
                () -> reader.read(Mails.bytes("Subject: hi\n\nno sender\n")));
        assertTrue(noFrom.getMessage().contains("From"), noFrom.getMessage());
        UnreadableMailException broken = assertThrows(UnreadableMailException.class, () -> reader.read(Mails.bytes(
                "From: c@example.com\nContent-Type: multipart/mixed; boundary=\"b\"\n\nno boundary here at all\n")));
        assertTrue(broken.getMessage().contains("unreadable"), broken.getMessage());
        assertThrows(UnreadableMailException.class, () -> reader.read(new byte[0]));
    }

    @Test
    void aMailWithoutMessageIdGetsOneFromItsBytes() {
        byte[] raw = Mails.bytes("From: c@example.com\nSubject: hi\n\nhello\n");
        assertEquals(reader.read(raw).messageId(), reader.read(raw).messageId());
        assertTrue(reader.read(raw).messageId().startsWith("sha256:"));
    }

    @Test
    void replySubjects() {
        assertEquals("Re: 发票问题", EmailRoutes.replySubject("发票问题", "x"));
        assertEquals("RE: 发票问题", EmailRoutes.replySubject("RE: 发票问题", "x"));
        assertEquals("回复：发票", EmailRoutes.replySubject("回复：发票", "x"));
        assertEquals("x", EmailRoutes.replySubject(" ", "x"));
    }
}
