package io.switchboard.channel.email.internal;

import jakarta.activation.DataHandler;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPSSLTransport;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Agents' answers out over SMTP: UTF-8 text, files attached, and the headers that make the answer
 * sit under the customer's mail in their client (Message-ID, In-Reply-To, References, "Re:").
 */
final class MailSender {

    /** One mail to send. */
    record Outgoing(String mailId, String to, String subject, String inReplyTo, List<String> references, String text,
                    List<File> files, Instant date) {
    }

    record File(String name, String mimeType, byte[] content) {
    }

    private final MailServer server;
    private final InternetAddress from;
    private final MailRuntime runtime;

    MailSender(MailServer server, String fromAddress, String fromName, MailRuntime runtime) {
        this.server = server;
        this.runtime = runtime;
        try {
            this.from = new InternetAddress(fromAddress, fromName == null || fromName.isBlank() ? null : fromName, "UTF-8");
            this.from.validate();
        } catch (UnsupportedEncodingException | jakarta.mail.internet.AddressException e) {
            throw new IllegalArgumentException("not a usable fromAddress: " + fromAddress, e);
        }
    }

    String domain() {
        String a = from.getAddress();
        return a.substring(a.indexOf('@') + 1);
    }

    void send(Outgoing mail) throws MessagingException {
        runtime.<Void, MessagingException>run(() -> {
            String protocol = server.ssl() ? "smtps" : "smtp";
            Properties p = server.properties(protocol);
            boolean auth = server.username() != null && !server.username().isBlank();
            p.setProperty("mail." + protocol + ".auth", String.valueOf(auth));
            p.setProperty("mail." + protocol + ".from", from.getAddress());
            Session session = runtime.session(p);
            MimeMessage message = compose(session, mail);
            SMTPTransport transport = server.ssl() ? new SMTPSSLTransport(session, null) : new SMTPTransport(session, null);
            try {
                transport.connect(server.host(), server.port(), auth ? server.username() : null, auth ? server.password() : null);
                transport.sendMessage(message, message.getAllRecipients());
            } finally {
                transport.close();
            }
            return null;
        });
    }

    MimeMessage compose(Session session, Outgoing mail) throws MessagingException {
        MimeMessage m = new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
                // ours, derived from the message id: a resend is recognisably the same mail
                setHeader("Message-ID", "<" + mail.mailId() + ">");
            }
        };
        m.setFrom(from);
        m.setRecipients(jakarta.mail.Message.RecipientType.TO, new Address[] {new InternetAddress(mail.to())});
        m.setSubject(mail.subject(), "UTF-8");
        m.setSentDate(Date.from(mail.date()));
        if (mail.inReplyTo() != null) {
            m.setHeader("In-Reply-To", "<" + mail.inReplyTo() + ">");
        }
        if (!mail.references().isEmpty()) {
            m.setHeader("References", MimeUtility.fold(12, String.join(" ", mail.references().stream().map(r -> "<" + r + ">").toList())));
        }
        m.setHeader("Auto-Submitted", "no");
        // a DataSource rather than setText: no content handler lookup, the bytes are exactly ours
        MimeBodyPart text = new MimeBodyPart();
        text.setDataHandler(new DataHandler(new ByteArrayDataSource(mail.text().getBytes(StandardCharsets.UTF_8),
                "text/plain; charset=UTF-8")));
        text.setHeader("Content-Type", "text/plain; charset=UTF-8");
        if (mail.files().isEmpty()) {
            m.setDataHandler(text.getDataHandler());
            m.setHeader("Content-Type", "text/plain; charset=UTF-8");
        } else {
            MimeMultipart mixed = new MimeMultipart("mixed");
            mixed.addBodyPart(text);
            for (File f : mail.files()) {
                MimeBodyPart part = new MimeBodyPart();
                part.setDataHandler(new DataHandler(new ByteArrayDataSource(f.content(), f.mimeType())));
                try {
                    part.setFileName(MimeUtility.encodeText(f.name(), "UTF-8", null));
                } catch (UnsupportedEncodingException e) {
                    part.setFileName(f.name());
                }
                part.setDisposition(MimeBodyPart.ATTACHMENT);
                mixed.addBodyPart(part);
            }
            m.setContent(mixed);
        }
        m.saveChanges();
        return m;
    }
}
