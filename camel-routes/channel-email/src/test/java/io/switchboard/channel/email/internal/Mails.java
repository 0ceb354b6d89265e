package io.switchboard.channel.email.internal;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Mails as customers' clients write them, byte for byte, for the tests. */
final class Mails {

    static final Charset GBK = Charset.forName("GBK");

    private Mails() {
    }

    static String b(String text, Charset charset) {
        return Base64.getEncoder().encodeToString(text.getBytes(charset));
    }

    static String word(String text, String label, Charset charset) {
        return "=?" + label + "?B?" + b(text, charset) + "?=";
    }

    static byte[] bytes(String mail) {
        return mail.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A mail from Outlook or Gmail: text and HTML alternatives, a PDF attached, UTF-8. */
    static byte[] withAttachment(String from, String messageId, String subjectWord, String text, String html, byte[] pdf) {
        return bytes("""
                From: =?UTF-8?B?%s?= <%s>
                To: service@example.com
                Subject: %s
                Date: Mon, 23 Nov 2026 10:00:00 +0800
                Message-ID: <%s>
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
                Content-Transfer-Encoding: base64

                %s
                --alt--

                --mixed
                Content-Type: application/pdf; name="=?UTF-8?B?%s?="
                Content-Disposition: attachment; filename="=?UTF-8?B?%s?="
                Content-Transfer-Encoding: base64

                %s
                --mixed--
                """.formatted(b("王小明", StandardCharsets.UTF_8), from, subjectWord, messageId,
                b(text, StandardCharsets.UTF_8), b(html, StandardCharsets.UTF_8),
                b("发票.pdf", StandardCharsets.UTF_8), b("发票.pdf", StandardCharsets.UTF_8),
                Base64.getMimeEncoder().encodeToString(pdf)));
    }

    static byte[] plain(String from, String messageId, String subjectHeader, String inReplyTo, String text) {
        return bytes("""
                From: %s
                To: service@example.com
                Subject: %s
                Message-ID: <%s>
                %sMIME-Version: 1.0
                Content-Type: text/plain; charset=UTF-8
                Content-Transfer-Encoding: base64

                %s
                """.formatted(from, subjectHeader, messageId,
                inReplyTo == null ? "" : "In-Reply-To: <" + inReplyTo + ">\nReferences: <" + inReplyTo + ">\n",
                Base64.getMimeEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8))));
    }
}
