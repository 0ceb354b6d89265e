package io.switchboard.channel.email.internal;

import jakarta.mail.FolderClosedException;
import jakarta.mail.MessageRemovedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.StoreClosedException;
import jakarta.mail.internet.ContentDisposition;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.ParameterList;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * A mail too large to go on the bus whole, read the way IMAP allows: its headers and structure first
 * (BODYSTRUCTURE), then part by part in blocks. Text parts come into memory, each at most
 * {@link #TEXT_BYTES}; every other part streams from the mail server into the attachment store and
 * is replaced by a {@code message/external-body} part saying where it is. The bus then carries that
 * small mail, which {@link MailReader} reads like any other: one reader, one dead-letter path, one
 * replay, whatever the size of the mail.
 *
 * <p>Files past the mail's budget ({@code maxMailBytes}) are never downloaded: they stay on the mail
 * server, and the message tells the agent so. A structure that cannot be read part by part is kept
 * whole as an {@code .eml} file rather than lost.
 */
final class LargeMail {

    /** access-type of a part kept in the attachment store. */
    static final String STORED = "x-switchboard-stored";
    /** access-type of a part left on the mail server. */
    static final String LEFT = "x-switchboard-left";
    /** The longest text part taken into the message; a longer one is kept as a file. */
    static final long TEXT_BYTES = 1 << 20;

    /**
     * @param raw        the mail for the bus, its files replaced by references
     * @param messageId  its Message-ID: the mail's own, or one made from its headers if it had none
     * @param downloaded bytes fetched from the mail server for it
     */
    record Reduced(byte[] raw, String messageId, long downloaded) {
    }

    private final Mailbox.Intake files;
    private final String messageId;
    private final boolean ownMessageId;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    private long budget;
    private long downloaded;

    private LargeMail(Mailbox.Intake files, String messageId, boolean ownMessageId, long budget) {
        this.files = files;
        this.messageId = messageId;
        this.ownMessageId = ownMessageId;
        this.budget = budget;
    }

    /** Call with the mail context loader (see {@link MailRuntime}): multiparts are made through mailcap. */
    static Reduced read(MimeMessage mail, long maxMailBytes, Mailbox.Intake files) throws MessagingException, IOException {
        List<String> headers = Collections.list(mail.getAllHeaderLines());
        String messageId = MailReader.firstId(mail.getHeader("Message-ID", null));
        boolean own = messageId == null || messageId.length() > 190;
        if (own) {
            // the same mail polled again must get the same id, or its files and its message would be kept twice
            messageId = "large." + sha256(headers) + "@switchboard.invalid";
        }
        LargeMail large = new LargeMail(files, messageId, own, maxMailBytes);
        try {
            large.part(mail, "", headers, 0);
        } catch (FolderClosedException | StoreClosedException | MessageRemovedException connection) {
            throw connection;
        } catch (MessagingException unreadable) {
            large = new LargeMail(files, messageId, own, maxMailBytes);
            large.whole(mail, headers);
        }
        return new Reduced(large.out.toByteArray(), messageId, large.downloaded);
    }

    static String storedId(String messageId, String section) {
        return EmailRoutes.nameId(messageId + "/part/" + section);
    }

    /** What the agent reads about a file that stayed on the mail server. */
    static String leftNote(String name, long size) {
        String howBig = size < 0 ? "" : String.format(Locale.ROOT, " (%.1f MB)", size / 1_048_576.0);
        return "[The file \"" + name + "\"" + howBig + " was not taken: it is more than this channel takes from one mail."
                + " The mail itself is still on the mail server.]";
    }

    /** @param headers the mail's own header lines for the mail itself, null for a part of it */
    private void part(MimePart part, String section, List<String> headers, int depth) throws MessagingException, IOException {
        ContentType type = MailReader.contentType(part);
        String boundary = type.getParameter("boundary");
        if (type.match("multipart/*") && boundary != null && depth < MailReader.MAX_DEPTH) {
            header(headers != null ? headers : Collections.list(part.getAllHeaderLines()), false);
            write("\r\n");
            // over IMAP this is the structure only: no part's content is fetched yet
            Object content = part.getContent();
            if (!(content instanceof Multipart mp)) {
                throw new MessagingException("a " + type.getBaseType() + " part that is not multipart");
            }
            for (int i = 0; i < mp.getCount(); i++) {
                write("\r\n--" + boundary + "\r\n");
                part((MimePart) mp.getBodyPart(i), MailReader.section(section, i), null, depth + 1);
            }
            write("\r\n--" + boundary + "--\r\n");
            return;
        }
        String disposition = MailReader.disposition(part);
        String name = MailReader.fileName(part, type);
        boolean attachment = Part.ATTACHMENT.equalsIgnoreCase(disposition) || name != null;
        long size = part.getSize();
        if (!attachment && (type.match("text/plain") || type.match("text/html")) && size >= 0 && size <= TEXT_BYTES
                && size <= budget) {
            header(headers != null ? headers : Collections.list(part.getAllHeaderLines()), false);
            write("\r\n");
            try (InputStream in = raw(part)) {
                byte[] text = in.readNBytes((int) TEXT_BYTES);
                out.write(text);
                budget -= text.length;
                downloaded += text.length;
            }
            return;
        }
        // the agent is told the file's own size, not its size in base64 on the wire
        long fileSize = size >= 0 && "base64".equalsIgnoreCase(encoding(part)) ? size * 57 / 78 : size;
        file(name != null ? name : MailReader.defaultName(type, section.isEmpty() ? "1" : section),
                type.getBaseType().toLowerCase(Locale.ROOT), !Part.ATTACHMENT.equalsIgnoreCase(disposition), size, fileSize,
                section, part::getInputStream, headers);
    }

    /** The whole mail as one file, for a structure that cannot be read part by part. */
    private void whole(MimeMessage mail, List<String> headers) throws MessagingException, IOException {
        StringBuilder head = new StringBuilder();
        for (String h : headers) {
            head.append(h).append("\r\n");
        }
        byte[] headBytes = head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        file("message.eml", "message/rfc822", false, mail.getSize(), mail.getSize(), "",
                () -> new SequenceInputStream(new ByteArrayInputStream(headBytes), mail.getRawInputStream()), headers);
    }

    private interface Content {
        InputStream open() throws MessagingException, IOException;
    }

    /** The file into the attachment store if the budget allows, and in its place the reference to it. */
    /**
     * @param size     what fetching it costs of the budget
     * @param fileSize its size as the agent is told it
     */
    private void file(String name, String mimeType, boolean inline, long size, long fileSize, String section,
                      Content content, List<String> headers) throws MessagingException, IOException {
        String reference;
        if (size > budget) {
            reference = "message/external-body; access-type=" + LEFT + "; size=" + fileSize;
        } else {
            String id = storedId(messageId, section);
            Budgeted in = new Budgeted(content.open(), budget);
            try {
                files.keep(id, EmailRoutes.nameId(messageId), name, mimeType, in);
                reference = "message/external-body; access-type=" + STORED + "; id=\"" + id + "\"";
            } catch (RuntimeException e) {
                if (!in.over) {
                    throw e;
                }
                // the server said less than it sent: the budget holds all the same
                reference = "message/external-body; access-type=" + LEFT + "; size=" + in.count;
            } finally {
                in.close();
            }
            budget -= in.over ? 0 : in.count;
            downloaded += in.count;
        }
        if (headers != null) {
            // the mail itself is the file: its own content headers go inside the reference
            header(headers, true);
        }
        write("Content-Type: " + reference + "\r\n\r\n");
        ParameterList filename = new ParameterList();
        filename.set("filename", name, "utf-8");
        write("Content-Type: " + mimeType + "\r\n");
        write("Content-Disposition: " + new ContentDisposition(inline ? Part.INLINE : Part.ATTACHMENT, filename) + "\r\n\r\n");
    }

    private void header(List<String> lines, boolean withoutContent) {
        if (ownMessageId) {
            write("Message-ID: <" + messageId + ">\r\n");
        }
        for (String line : lines) {
            if (ownMessageId && line.regionMatches(true, 0, "Message-ID:", 0, 11)
                    || withoutContent && line.regionMatches(true, 0, "Content-", 0, 8)) {
                continue;
            }
            write(line + "\r\n");
        }
    }

    private static String encoding(MimePart part) {
        try {
            return part.getEncoding();
        } catch (MessagingException unreadable) {
            return null;
        }
    }

    private static InputStream raw(MimePart part) throws MessagingException {
        // as sent, still in its transfer encoding: the reader decodes it as it does any mail
        return part instanceof MimeMessage m ? m.getRawInputStream() : ((MimeBodyPart) part).getRawInputStream();
    }

    private void write(String s) {
        out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String sha256(List<String> headers) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (String h : headers) {
                d.update(h.getBytes(StandardCharsets.ISO_8859_1));
                d.update((byte) '\n');
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A part's bytes, refused past the mail's remaining budget whatever the server said its size was. */
    private static final class Budgeted extends FilterInputStream {
        private final long limit;
        long count;
        boolean over;

        Budgeted(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        private void counted(long n) throws IOException {
            count += n;
            if (count > limit) {
                over = true;
                throw new IOException("more than the mail's remaining budget of " + limit + " bytes");
            }
        }
    }
}
