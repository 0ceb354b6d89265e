package io.switchboard.channel.email.internal;

import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.ParseException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a mail as received (RFC 5322 and MIME) into a {@link ReceivedMail}: the text an agent
 * reads (text/plain preferred in multipart/alternative, HTML made into text where there is no
 * plain text), every attachment with its bytes, the headers that thread a conversation. What cannot
 * be read raises {@link UnreadableMailException}, never a half-read message.
 *
 * <p>A large mail arrives as {@link LargeMail} left it: its files already in the attachment store,
 * each named by a {@code message/external-body} part in its place.
 */
final class MailReader {

    static final int MAX_DEPTH = 20;
    private static final Pattern MESSAGE_ID = Pattern.compile("<([^<>\\s]+)>");

    private final MailRuntime runtime;
    private final Session session;

    MailReader(MailRuntime runtime) {
        this.runtime = runtime;
        this.session = runtime.session(new Properties());
    }

    ReceivedMail read(byte[] raw) {
        try {
            return runtime.<ReceivedMail, Exception>run(() -> parse(raw));
        } catch (UnreadableMailException e) {
            throw e;
        } catch (Exception e) {
            throw new UnreadableMailException("unreadable mail: " + e, e);
        }
    }

    private ReceivedMail parse(byte[] raw) throws MessagingException, IOException {
        if (raw.length == 0) {
            throw new UnreadableMailException("an empty mail");
        }
        MimeMessage m = new MimeMessage(session, new ByteArrayInputStream(raw));
        if (m.getAllHeaders() == null || !m.getAllHeaders().hasMoreElements()) {
            throw new UnreadableMailException("not a mail: no headers");
        }
        InternetAddress from = sender(m);
        String messageId = firstId(m.getHeader("Message-ID", null));
        if (messageId == null || messageId.length() > 190) {
            messageId = "sha256:" + sha256(raw);
        }
        List<String> references = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        seen.addAll(ids(m.getHeader("In-Reply-To", " ")));
        List<String> refs = ids(m.getHeader("References", " "));
        // References runs oldest first; the nearest ancestors are the likeliest to be ours
        for (int i = refs.size() - 1; i >= 0; i--) {
            seen.add(refs.get(i));
        }
        references.addAll(seen);
        String subject = EncodedWords.decode(m.getHeader("Subject", null));
        Instant sent = m.getSentDate() != null ? m.getSentDate().toInstant() : Instant.now();
        String to = null;
        try {
            Address[] recipients = m.getRecipients(jakarta.mail.Message.RecipientType.TO);
            if (recipients != null && recipients.length > 0 && recipients[0] instanceof InternetAddress ia) {
                to = ia.getAddress() == null ? null : ia.getAddress().toLowerCase(Locale.ROOT);
            }
        } catch (AddressException ignored) {
            // who it was sent to is informative only
        }
        Body body = new Body(messageId);
        walk(m, body, 0, "");
        String name = from.getPersonal() != null ? EncodedWords.decode(from.getPersonal()).strip() : null;
        return new ReceivedMail(messageId, from.getAddress().toLowerCase(Locale.ROOT), name == null || name.isEmpty() ? null : name,
                to, subject == null ? "" : subject.strip(), List.copyOf(references), sent.truncatedTo(ChronoUnit.MICROS),
                body.text(), List.copyOf(body.attachments));
    }

    private static InternetAddress sender(MimeMessage m) throws MessagingException {
        String header = m.getHeader("From", ",");
        if (header == null) {
            header = m.getHeader("Sender", ",");
        }
        if (header == null) {
            throw new UnreadableMailException("no From address");
        }
        InternetAddress[] parsed;
        try {
            parsed = InternetAddress.parseHeader(Charsets.rawHeader(header), false);
        } catch (AddressException e) {
            // the reason goes to the dead letter and the log: not the address itself
            throw new UnreadableMailException("unreadable From address", e);
        }
        for (InternetAddress a : parsed) {
            String address = a.getAddress();
            if (address != null && address.indexOf('@') > 0 && address.indexOf('@') < address.length() - 1
                    && address.length() <= 320 && !address.matches(".*[\\s<>].*")) {
                return a;
            }
        }
        throw new UnreadableMailException("no usable From address");
    }

    static String firstId(String header) {
        List<String> ids = ids(header);
        if (!ids.isEmpty()) {
            return ids.get(0);
        }
        if (header != null && !header.isBlank() && !header.strip().contains(" ")) {
            return header.strip(); // some clients leave out the brackets
        }
        return null;
    }

    static List<String> ids(String header) {
        List<String> result = new ArrayList<>();
        if (header != null) {
            Matcher matcher = MESSAGE_ID.matcher(header);
            while (matcher.find()) {
                result.add(matcher.group(1));
            }
        }
        return result;
    }

    /** Text and attachments, gathered while walking the MIME tree. */
    private static final class Body {
        final String messageId;
        final List<String> texts = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        final List<ReceivedMail.Attachment> attachments = new ArrayList<>();

        Body(String messageId) {
            this.messageId = messageId;
        }

        String text() {
            List<String> all = new ArrayList<>(texts);
            all.addAll(notes);
            return String.join("\n\n", all).strip();
        }
    }

    /** A part's place in the tree, as {@link LargeMail} numbers it: "" for the mail, "1.2" for the second in the first. */
    static String section(String parent, int index) {
        return parent.isEmpty() ? String.valueOf(index + 1) : parent + "." + (index + 1);
    }

    private void walk(Part part, Body body, int depth, String section) throws MessagingException, IOException {
        if (depth > MAX_DEPTH) {
            throw new UnreadableMailException("MIME parts nested deeper than " + MAX_DEPTH);
        }
        ContentType type = contentType(part);
        String disposition = disposition(part);
        String fileName = fileName(part, type);
        boolean attachment = Part.ATTACHMENT.equalsIgnoreCase(disposition) || fileName != null;
        if (type.match("message/external-body") && external(part, type, body, section)) {
            return;
        }
        if (type.match("multipart/*")) {
            Object content = part.getContent();
            if (!(content instanceof Multipart mp)) {
                throw new UnreadableMailException("a " + type.getBaseType() + " part that is not multipart");
            }
            if (type.match("multipart/alternative")) {
                int chosen = alternative(mp);
                if (chosen >= 0) {
                    walk(mp.getBodyPart(chosen), body, depth + 1, section(section, chosen));
                }
                return;
            }
            for (int i = 0; i < mp.getCount(); i++) {
                walk(mp.getBodyPart(i), body, depth + 1, section(section, i));
            }
            return;
        }
        if (!attachment && (type.match("text/plain") || type.match("text/html"))) {
            String text = Charsets.decode(bytes(part), Charsets.of(type.getParameter("charset")));
            text = type.match("text/html") ? HtmlText.toText(text) : plain(text);
            if (!text.isBlank()) {
                body.texts.add(text);
            }
            return;
        }
        String name = fileName != null ? fileName : defaultName(type, body.attachments.size() + 1);
        body.attachments.add(new ReceivedMail.Attachment(name, type.getBaseType().toLowerCase(Locale.ROOT), bytes(part),
                !Part.ATTACHMENT.equalsIgnoreCase(disposition)));
    }

    /**
     * A file {@link LargeMail} kept in the attachment store, or one it left on the mail server, in
     * place of the part it was. A stored file counts only under the id LargeMail gives this mail's
     * part at this place: a mail cannot point at another mail's files.
     *
     * @return false for any other external body, read like any other part
     */
    private static boolean external(Part part, ContentType type, Body body, String section)
            throws MessagingException, IOException {
        String access = type.getParameter("access-type");
        boolean stored = LargeMail.STORED.equalsIgnoreCase(access);
        if (!stored && !LargeMail.LEFT.equalsIgnoreCase(access)) {
            return false;
        }
        String id = type.getParameter("id");
        if (stored && (id == null || !id.equals(LargeMail.storedId(body.messageId, section)))) {
            return false;
        }
        MimeBodyPart file;
        try (InputStream in = part.getInputStream()) {
            file = new MimeBodyPart(new InternetHeaders(in), new byte[0]);
        }
        ContentType fileType = contentType(file);
        String name = fileName(file, fileType);
        if (name == null) {
            name = defaultName(fileType, body.attachments.size() + 1);
        }
        if (stored) {
            body.attachments.add(new ReceivedMail.Attachment(name, fileType.getBaseType().toLowerCase(Locale.ROOT), null,
                    !Part.ATTACHMENT.equalsIgnoreCase(disposition(file)), id));
        } else {
            long size;
            try {
                size = Long.parseLong(type.getParameter("size"));
            } catch (RuntimeException unknown) {
                size = -1;
            }
            body.notes.add(LargeMail.leftNote(name, size));
        }
        return true;
    }

    /** text/plain if there is one, else the richest part we can read (the last, by MIME's rule); -1: none. */
    private static int alternative(Multipart mp) throws MessagingException {
        int html = -1;
        int other = -1;
        for (int i = 0; i < mp.getCount(); i++) {
            BodyPart p = mp.getBodyPart(i);
            ContentType t = contentType(p);
            if (t.match("text/plain") && !Part.ATTACHMENT.equalsIgnoreCase(disposition(p))) {
                return i;
            }
            if (t.match("text/html")) {
                html = i;
            } else if (t.match("multipart/*")) {
                other = i;
            }
        }
        return html >= 0 ? html : other >= 0 ? other : mp.getCount() - 1;
    }

    static ContentType contentType(Part part) throws MessagingException {
        String header = part.getContentType();
        try {
            return new ContentType(header == null ? "text/plain" : header);
        } catch (ParseException e) {
            // an unreadable Content-Type means text/plain by MIME's own default
            return new ContentType("text", "plain", null);
        }
    }

    static String disposition(Part part) {
        try {
            return part.getDisposition();
        } catch (MessagingException e) {
            return null;
        }
    }

    static String fileName(Part part, ContentType type) {
        String name;
        try {
            name = part.getFileName();
        } catch (MessagingException e) {
            name = null;
        }
        if (name == null) {
            name = type.getParameter("name");
        }
        if (name == null || name.isBlank()) {
            return null;
        }
        name = EncodedWords.decode(name).strip();
        // only a name, never a path
        name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        return name.isBlank() ? null : name.length() > 200 ? name.substring(name.length() - 200) : name;
    }

    static String defaultName(ContentType type, int n) {
        return defaultName(type, String.valueOf(n));
    }

    static String defaultName(ContentType type, String label) {
        if (type.match("message/rfc822")) {
            return "message-" + label + ".eml";
        }
        String sub = type.getSubType() == null ? "bin" : type.getSubType().toLowerCase(Locale.ROOT);
        return "attachment-" + label + "." + (sub.matches("[a-z0-9]{1,8}") ? sub : "bin");
    }

    private static byte[] bytes(Part part) throws MessagingException, IOException {
        if (part instanceof jakarta.mail.internet.MimePart mp && contentType(part).match("message/rfc822")) {
            // the attached mail as it was written, not re-encoded
            try (InputStream in = ((jakarta.mail.internet.MimeBodyPart) mp).getRawInputStream()) {
                return in.readAllBytes();
            } catch (ClassCastException notABodyPart) {
                // fall through
            }
        }
        try (InputStream in = part.getInputStream()) {
            return in.readAllBytes();
        }
    }

    private static String plain(String text) {
        String t = text.replace("\r\n", "\n").replace('\r', '\n');
        // format=flowed and signatures are left as written: the agent sees what the customer sent
        return t.replaceAll("(?m)[ \\t]+$", "").strip();
    }

    static String sha256(byte[] raw) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String text(byte[] raw) {
        return new String(raw, StandardCharsets.ISO_8859_1);
    }
}
