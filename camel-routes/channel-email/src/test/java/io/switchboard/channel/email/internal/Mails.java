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

    /** A large mail written to a file as it is made, never whole in memory. */
    record Large(java.nio.file.Path file, long size, long fileBytes, String sha256) {
    }

    /**
     * A mail from {@code from}: a text part, then a PDF of {@code fileBytes} pseudo-random bytes (the
     * same for the same seed), base64 as clients send it.
     */
    static Large large(java.nio.file.Path file, String from, String messageId, String text, long fileBytes, long seed)
            throws Exception {
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        try (java.io.OutputStream out = new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(file), 1 << 16)) {
            out.write(bytes("""
                    From: %s
                    To: service@example.com
                    Subject: =?UTF-8?B?%s?=
                    Message-ID: <%s>
                    MIME-Version: 1.0
                    Content-Type: multipart/mixed; boundary="big"

                    --big
                    Content-Type: text/plain; charset=UTF-8
                    Content-Transfer-Encoding: base64

                    %s
                    --big
                    Content-Type: application/pdf; name="scan.pdf"
                    Content-Disposition: attachment; filename="scan.pdf"
                    Content-Transfer-Encoding: base64

                    """.formatted(from, b("扫描件 scan", StandardCharsets.UTF_8), messageId,
                    Base64.getMimeEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)))));
            java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
            Base64.Encoder lines = Base64.getMimeEncoder();
            byte[] chunk = new byte[57 * 1024];
            for (long left = fileBytes; left > 0; ) {
                int n = (int) Math.min(chunk.length, left);
                for (int i = 0; i < n; i++) {
                    chunk[i] = (byte) random.nextInt(256);
                }
                sha.update(chunk, 0, n);
                byte[] encoded = lines.encode(n == chunk.length ? chunk : java.util.Arrays.copyOf(chunk, n));
                out.write(encoded);
                out.write(new byte[] {'\r', '\n'});
                left -= n;
            }
            out.write(bytes("--big--\n"));
        }
        return new Large(file, java.nio.file.Files.size(file), fileBytes, java.util.HexFormat.of().formatHex(sha.digest()));
    }
}
