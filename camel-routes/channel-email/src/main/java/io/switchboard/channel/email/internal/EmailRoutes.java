package io.switchboard.channel.email.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.ChannelAddress;
import io.switchboard.api.ContentPart;
import io.switchboard.api.Direction;
import io.switchboard.api.Message;
import io.switchboard.bus.Bus;
import io.switchboard.bus.DeadLetters;
import io.switchboard.bus.OutageLog;
import io.switchboard.rest.SourceRate;
import io.switchboard.store.Store;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Poll: the IMAP folder, every {@code pollInterval}; each mail goes on {@link #RECEIVED} as it was
 * received, and only then leaves the folder. Received: each mail read into a canonical message, its
 * files kept, threaded to the conversation its In-Reply-To/References name, then onto
 * {@code sb.inbound}; a mail that cannot be read goes to {@code DLQ.sb.channel.email.received}
 * with the reason, where an operator sees it and can replay it. Out: agents' answers from
 * {@code sb.outbound.email} over SMTP.
 *
 * <p>The mail goes on the bus before it is read, not after, so that reading it, a bug in reading it
 * included, can never lose it: the raw mail is durable on the bus, dead-lettered whole if reading
 * fails, and replayable once the reader is fixed.
 */
final class EmailRoutes extends RouteBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(EmailRoutes.class);

    static final String CHANNEL = "email";
    /** Mails as received (RFC 5322 bytes, one char per byte), before they are read. */
    static final String RECEIVED = "sb.channel.email.received";
    static final String OUTBOUND = BusAddress.outbound(CHANNEL);
    private static final Pattern REPLY_PREFIX = Pattern.compile("(?i)^\\s*(re|aw|sv|antw|回复|答复|回覆)\\s*[:：]");

    private final Bus bus;
    private final Store store;
    private final CanonicalJson json;
    private final MailReader reader;
    private final Mailbox mailbox;
    private final MailSender sender;
    private final SourceRate rate;
    private final Duration pollInterval;
    private final String defaultSubject;

    /**
     * @param mailbox null while no IMAP server is configured: nothing is polled
     * @param sender  null while no SMTP server is configured: answers wait on the bus
     * @param rate    null: no limit per sender
     */
    EmailRoutes(Bus bus, Store store, CanonicalJson json, MailReader reader, Mailbox mailbox, MailSender sender,
                SourceRate rate, Duration pollInterval, String defaultSubject) {
        this.bus = bus;
        this.store = store;
        this.json = json;
        this.reader = reader;
        this.mailbox = mailbox;
        this.sender = sender;
        this.rate = rate;
        this.pollInterval = pollInterval;
        this.defaultSubject = defaultSubject;
    }

    @Override
    public void configure() {
        if (mailbox != null) {
            OutageLog polling = new OutageLog(LOG, "email-poll", pollInterval);
            from("timer:email-poll?delay=1000&period=" + pollInterval.toMillis()).routeId("email-poll")
                    .process(exchange -> polling.run(() -> mailbox.poll(intake())));
        }

        from("bus:queue:" + RECEIVED + "?transacted=true&asyncStartListener=true").routeId("email-received")
                .errorHandler(DeadLetters.forAddress(RECEIVED))
                .process(this::receive);

        if (sender != null) {
            from("bus:queue:" + OUTBOUND + "?transacted=true&asyncStartListener=true").routeId("email-outbound")
                    .errorHandler(DeadLetters.forAddress(OUTBOUND))
                    .process(this::send);
        }
    }

    /** Mails from the folder onto the bus; a sender over their rate waits in the folder. */
    Mailbox.Intake intake() {
        return new Mailbox.Intake() {
            @Override
            public boolean admits(String sender) {
                return rate == null || rate.waitSeconds(sender, System.currentTimeMillis()) == 0;
            }

            @Override
            public void take(byte[] raw, String sender, String messageId) {
                EmailRoutes.this.take(raw, sender, messageId);
            }

            @Override
            public void keep(String attachmentId, String mailId, String name, String mimeType, InputStream content) {
                store.inTransaction(s -> Attachments.keep(s, attachmentId, mailId, name, mimeType, content));
            }
        };
    }

    void take(byte[] raw, String from, String messageId) {
        String id = messageId != null && messageId.length() <= 190 ? messageId : "sha256:" + MailReader.sha256(raw);
        bus.send(RECEIVED, MailReader.text(raw), Map.of(
                BusAddress.DUPLICATE_ID, CHANNEL + ":" + id,
                BusAddress.GROUP_ID, CHANNEL + ":" + from,
                BusAddress.PAYLOAD_TYPE, "Mail"));
    }

    void receive(Exchange exchange) throws Exception {
        byte[] raw = exchange.getMessage().getMandatoryBody(String.class).getBytes(StandardCharsets.ISO_8859_1);
        Message message = message(reader.read(raw));
        bus.inbound(message);
    }

    /** The canonical message of a mail; its files kept, its conversation found by its references. */
    Message message(ReceivedMail mail) {
        String address = mail.from();
        String id = nameId(mail.messageId());
        List<String> attachmentIds = new ArrayList<>();
        for (int i = 0; i < mail.attachments().size(); i++) {
            String stored = mail.attachments().get(i).storedId();
            attachmentIds.add(stored != null ? stored : nameId(mail.messageId() + "/" + i));
        }
        Optional<Correspondence.Sent> repliedTo = store.inTransaction(s -> {
            for (int i = 0; i < mail.attachments().size(); i++) {
                if (mail.attachments().get(i).storedId() == null) {
                    Attachments.keep(s, attachmentIds.get(i), id, mail.attachments().get(i));
                }
            }
            Correspondence.wrote(s, address, mail);
            return Correspondence.ours(s, mail.references());
        });
        List<ContentPart> parts = new ArrayList<>();
        if (!mail.text().isBlank()) {
            parts.add(ContentPart.text(mail.text()));
        }
        for (int i = 0; i < mail.attachments().size(); i++) {
            ReceivedMail.Attachment a = mail.attachments().get(i);
            ContentPart.Kind kind = a.mimeType().startsWith("image/") ? ContentPart.Kind.IMAGE : ContentPart.Kind.FILE;
            parts.add(new ContentPart(kind, null, Attachments.PATH + attachmentIds.get(i), a.mimeType(), a.name(), null, null));
        }
        if (parts.isEmpty()) {
            parts.add(ContentPart.text(mail.subject().isBlank() ? "(an empty mail)" : mail.subject()));
        }
        Map<String, String> headers = new HashMap<>();
        headers.put("emailSubject", mail.subject());
        headers.put("emailMessageId", mail.messageId());
        if (mail.fromName() != null) {
            headers.put("emailFromName", mail.fromName());
        }
        if (mail.to() != null) {
            headers.put("emailTo", mail.to());
        }
        // a reply continues the conversation of our mail, but only from the address we wrote to:
        // quoting a Message-ID must not let anyone else into a customer's conversation
        String conversationId = null;
        if (repliedTo.isPresent()) {
            headers.put("emailInReplyTo", repliedTo.get().mailId());
            if (repliedTo.get().address().equals(address)) {
                conversationId = repliedTo.get().conversationId();
            }
        }
        return new Message(id, mail.messageId(), Direction.INBOUND, new ChannelAddress(CHANNEL, address), conversationId,
                null, null, Instant.now().truncatedTo(ChronoUnit.MICROS), parts, headers);
    }

    void send(Exchange exchange) throws Exception {
        Message m = json.fromJson(exchange.getMessage().getMandatoryBody(String.class), Message.class);
        if (m.direction() != Direction.OUTBOUND) {
            throw new IllegalArgumentException(OUTBOUND + " takes OUTBOUND messages, got " + m.direction());
        }
        if (!CHANNEL.equals(m.address().channel())) {
            throw new IllegalArgumentException("not an email address: " + m.address());
        }
        String to = m.address().address().toLowerCase(Locale.ROOT);
        Optional<Correspondence.Sent> before = store.inTransaction(s -> Correspondence.sentFor(s, m.id()));
        if (before.isPresent() && Correspondence.SENT.equals(before.get().status())) {
            return; // a redelivery of a mail the SMTP server already took
        }
        Optional<Correspondence.LastMail> last = store.inTransaction(s -> Correspondence.lastMail(s, to));
        List<String> lines = new ArrayList<>();
        List<MailSender.File> files = new ArrayList<>();
        for (ContentPart p : m.parts()) {
            switch (p.kind()) {
                case TEXT -> lines.add(p.text());
                case IMAGE, FILE -> {
                    String attachmentId = Attachments.idIn(p.url());
                    Optional<Attachments.Stored> stored = attachmentId == null ? Optional.empty()
                            : store.inTransaction(s -> Attachments.find(s, attachmentId));
                    if (stored.isPresent()) {
                        files.add(new MailSender.File(stored.get().name(), stored.get().mimeType(), stored.get().content()));
                    } else if (p.url() != null) {
                        lines.add(p.name() != null ? p.name() + ": " + p.url() : p.url());
                    }
                }
                case LOCATION -> {
                    if (p.latitude() != null && p.longitude() != null) {
                        lines.add((p.name() != null ? p.name() + " " : "") + p.latitude() + "," + p.longitude());
                    }
                }
                default -> { }
            }
        }
        String text = String.join("\n\n", lines);
        if (text.isBlank() && files.isEmpty()) {
            throw new IllegalArgumentException("message " + m.id() + " has nothing a mail can carry");
        }
        String subject = replySubject(last.map(Correspondence.LastMail::subject).orElse(null), defaultSubject);
        String mailId = before.map(Correspondence.Sent::mailId).orElse("sb." + m.id() + "@" + sender.domain());
        Correspondence.Sent sent = store.inTransaction(s -> Correspondence.sending(s,
                new Correspondence.Sent(mailId, m.id(), m.conversationId(), to, subject, Correspondence.SENDING)));
        sender.send(new MailSender.Outgoing(sent.mailId(), to, subject, last.map(Correspondence.LastMail::mailId).orElse(null),
                last.map(Correspondence.LastMail::references).orElse(List.of()), text, files, Instant.now()));
        store.inTransaction(s -> {
            Correspondence.sent(s, m.id());
            return null;
        });
    }

    /** "Re: " and the customer's subject, unless it already says it is a reply. */
    static String replySubject(String customers, String fallback) {
        if (customers == null || customers.isBlank()) {
            return fallback;
        }
        String s = customers.strip();
        return REPLY_PREFIX.matcher(s).find() ? s : "Re: " + s;
    }

    static String nameId(String mailId) {
        return UUID.nameUUIDFromBytes((CHANNEL + ":" + mailId).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
