package io.switchboard.testkit;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * A mail too large to build in memory, written to a file as a customer's client sends it: a UTF-8
 * text part, then a PDF of pseudo-random bytes (the same for the same seed), base64 in 76-character
 * lines. For tests that a mail channel streams what it fetches; a test hands the file to its mail server
 * (GreenMail reads it from a {@code SharedFileInputStream}, leaving the parts in the file).
 *
 * @param file      the mail, CRLF line ends
 * @param size      its size in bytes, as an IMAP server counts it
 * @param fileBytes the attached file's size before base64
 * @param sha256    the attached file's SHA-256, hex
 */
public record TestMail(Path file, long size, long fileBytes, String sha256) {

    /** The attached file's name and type. */
    public static final String FILE_NAME = "scan.pdf";
    public static final String SUBJECT = "扫描件 scan";

    /** Writes the mail from {@code from} to {@code to} with {@code text} and a file of {@code fileBytes}. */
    public static TestMail withFile(Path file, String from, String to, String messageId, String text, long fileBytes, long seed)
            throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            out.write(crlf("""
                    From: %s
                    To: %s
                    Subject: =?UTF-8?B?%s?=
                    Message-ID: <%s>
                    MIME-Version: 1.0
                    Content-Type: multipart/mixed; boundary="big"

                    --big
                    Content-Type: text/plain; charset=UTF-8
                    Content-Transfer-Encoding: base64

                    %s
                    --big
                    Content-Type: application/pdf; name="%s"
                    Content-Disposition: attachment; filename="%s"
                    Content-Transfer-Encoding: base64

                    """.formatted(from, to, Base64.getEncoder().encodeToString(SUBJECT.getBytes(StandardCharsets.UTF_8)), messageId,
                    Base64.getMimeEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)), FILE_NAME, FILE_NAME)));
            SplittableRandom random = new SplittableRandom(seed);
            Base64.Encoder lines = Base64.getMimeEncoder();
            // a multiple of 57 bytes: every chunk ends on a whole 76-character line
            byte[] chunk = new byte[57 * 1024];
            for (long left = fileBytes; left > 0; ) {
                int n = (int) Math.min(chunk.length, left);
                for (int i = 0; i < n; i++) {
                    chunk[i] = (byte) random.nextInt(256);
                }
                sha.update(chunk, 0, n);
                out.write(lines.encode(n == chunk.length ? chunk : Arrays.copyOf(chunk, n)));
                out.write(new byte[] {'\r', '\n'});
                left -= n;
            }
            out.write(crlf("--big--\n"));
        }
        return new TestMail(file, Files.size(file), fileBytes, HexFormat.of().formatHex(sha.digest()));
    }

    private static byte[] crlf(String text) {
        return text.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }
}
