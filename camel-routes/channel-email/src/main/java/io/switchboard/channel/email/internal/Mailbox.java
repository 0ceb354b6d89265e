package io.switchboard.channel.email.internal;

import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.search.FlagTerm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import io.switchboard.bus.BusUnavailableException;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;
import org.eclipse.angus.mail.imap.IMAPSSLStore;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IMAP folder customers' mail arrives in. Each poll reads up to {@code batch} mails, hands each
 * to the {@link Intake}, and only for the mails the intake has put on the bus moves them to the
 * processed folder (or, without one, flags them \Seen). Reading never marks a mail (BODY.PEEK), so
 * a crash at any point leaves every mail not yet on the bus where it was; a mail taken but not yet
 * moved is read again and the bus drops the repeat by its Message-ID.
 *
 * <p>A mail over {@code largeMailBytes} (its size is asked before a byte of it is fetched) is never
 * fetched whole: {@link LargeMail} reads it part by part, its files streamed into the attachment
 * store, and only what is left, its headers and text, goes on the bus. A poll stops early once the
 * mails it fetched add up to {@code batchBytes}.
 *
 * <p>An unreachable server is logged once, then retried with growing pauses up to five minutes,
 * quietly until it answers again. Logs never name a sender: a count says as much to an operator.
 */
final class Mailbox implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Mailbox.class);
    static final Duration MAX_PAUSE = Duration.ofMinutes(5);

    /**
     * How much of a mailbox comes into the server's memory at once.
     *
     * @param largeMailBytes a mail over this is read part by part, its files streamed to the store
     * @param maxMailBytes   what is taken from one mail at most; files past it stay on the mail server
     * @param batchBytes     a poll fetches no further mail once it has fetched this much (one mail always)
     */
    record Limits(long largeMailBytes, long maxMailBytes, long batchBytes) {
        static final Limits DEFAULT = new Limits(2L << 20, 25L << 20, 100L << 20);

        Limits {
            largeMailBytes = Math.max(64 << 10, largeMailBytes);
            maxMailBytes = Math.max(largeMailBytes, maxMailBytes);
            batchBytes = Math.max(1, batchBytes);
        }
    }

    /** Where mails go from the folder: the bus. */
    interface Intake {
        /** Whether a mail from {@code sender} may go now; asked before the mail is even downloaded. */
        default boolean admits(String sender) {
            return true;
        }

        /** Puts the mail on the bus; returns once the broker has it, throws if it did not take it. */
        void take(byte[] raw, String sender, String messageId);

        /**
         * Keeps a file of a large mail as it streams from the mail server, before the mail goes on
         * the bus; a file kept already (the same mail polled again) is left as it is.
         *
         * @param mailId the id of the message the mail becomes
         */
        default void keep(String attachmentId, String mailId, String name, String mimeType, InputStream content) {
            throw new UnsupportedOperationException("this intake keeps no files");
        }
    }

    private final MailServer server;
    private final String folderName;
    private final String processedFolder;
    private final int batch;
    private final Limits limits;
    private final Duration pollInterval;
    private final MailRuntime runtime;
    private IMAPStore store;
    private boolean failing;
    private Set<String> deferredBefore = Set.of();
    private long nextAttemptNanos;
    private Duration pause;

    Mailbox(MailServer server, String folder, String processedFolder, int batch, Duration pollInterval, MailRuntime runtime) {
        this(server, folder, processedFolder, batch, Limits.DEFAULT, pollInterval, runtime);
    }

    Mailbox(MailServer server, String folder, String processedFolder, int batch, Limits limits, Duration pollInterval,
            MailRuntime runtime) {
        this.server = server;
        this.limits = limits;
        this.folderName = folder == null || folder.isBlank() ? "INBOX" : folder.strip();
        this.processedFolder = processedFolder == null || processedFolder.isBlank() ? null : processedFolder.strip();
        this.batch = Math.max(1, batch);
        this.pollInterval = pollInterval;
        this.runtime = runtime;
        this.pause = pollInterval;
    }

    /**
     * One poll, unless the server failed recently and its pause has not run out.
     *
     * @return how many mails went on the bus
     */
    synchronized int poll(Intake intake) {
        if (failing && System.nanoTime() - nextAttemptNanos < 0) {
            return 0;
        }
        try {
            int taken;
            try {
                taken = runtime.run(() -> pollNow(intake));
            } catch (jakarta.mail.FolderClosedException | jakarta.mail.StoreClosedException stale) {
                // servers drop idle connections between polls: one fresh connection before it counts as down
                closeStore();
                taken = runtime.run(() -> pollNow(intake));
            }
            if (failing) {
                LOG.info("Email: reading {} on {} again", folderName, server);
                failing = false;
                pause = pollInterval;
            }
            return taken;
        } catch (BusUnavailableException e) {
            // the mail stays in the folder; the next poll tries again, the IMAP connection is fine
            if (!failing) {
                LOG.warn("Email: the bus did not take a mail from {}; it stays there until it does: {}", folderName,
                        e.getMessage());
                failing = true;
            }
            nextAttemptNanos = System.nanoTime() + pollInterval.toNanos();
            return 0;
        } catch (MessagingException | RuntimeException e) {
            closeStore();
            if (!failing) {
                LOG.warn("Email: cannot read {} on IMAP server {}: {}. Retrying quietly, pausing up to {} min",
                        folderName, server, e.toString(), MAX_PAUSE.toMinutes());
                failing = true;
            } else {
                LOG.debug("Email: IMAP server {} still failing: {}", server, e.toString());
            }
            nextAttemptNanos = System.nanoTime() + pause.toNanos();
            pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
            return 0;
        }
    }

    boolean failing() {
        return failing;
    }

    private int pollNow(Intake intake) throws MessagingException {
        IMAPStore s = connect();
        IMAPFolder folder = (IMAPFolder) s.getFolder(folderName);
        folder.open(Folder.READ_WRITE);
        List<Message> taken = new ArrayList<>();
        int deferred = 0;
        Set<String> deferredSenders = new HashSet<>();
        try {
            Message[] waiting = processedFolder != null ? folder.getMessages()
                    : folder.search(new FlagTerm(new Flags(Flags.Flag.SEEN), false));
            FetchProfile profile = new FetchProfile();
            profile.add(FetchProfile.Item.ENVELOPE);
            profile.add(FetchProfile.Item.FLAGS);
            profile.add(FetchProfile.Item.SIZE);
            folder.fetch(waiting, profile);
            long fetched = 0;
            for (Message m : waiting) {
                if (taken.size() >= batch) {
                    break;
                }
                if (m.isExpunged() || m.isSet(Flags.Flag.DELETED)) {
                    continue;
                }
                long size = Math.max(0, m.getSize());
                if (!taken.isEmpty() && fetched + Math.min(size, limits.maxMailBytes()) > limits.batchBytes()) {
                    break;
                }
                String sender = sender(m);
                if (!intake.admits(sender)) {
                    deferred++;
                    deferredSenders.add(sender);
                    continue;
                }
                if (size > limits.largeMailBytes()) {
                    LargeMail.Reduced reduced = large((IMAPMessage) m, intake);
                    intake.take(reduced.raw(), sender, reduced.messageId());
                    fetched += reduced.downloaded();
                } else {
                    String messageId = MailReader.firstId(((IMAPMessage) m).getMessageID());
                    byte[] raw = raw(m);
                    intake.take(raw, sender, messageId);
                    fetched += raw.length;
                }
                taken.add(m);
            }
        } finally {
            // what is on the bus leaves the folder even if a later mail failed: fewer repeats
            try {
                done(s, folder, taken);
            } finally {
                folder.close(processedFolder != null);
            }
        }
        if (deferred > 0 && !deferredBefore.containsAll(deferredSenders)) {
            LOG.info("Email: {} mail(s) from {} sender(s) over their rate left in {} for a later poll", deferred,
                    deferredSenders.size(), folderName);
        } else if (deferred > 0) {
            LOG.debug("Email: {} mail(s) from {} sender(s) still over their rate", deferred, deferredSenders.size());
        }
        deferredBefore = deferredSenders;
        return taken.size();
    }

    private void done(IMAPStore s, IMAPFolder folder, List<Message> taken) throws MessagingException {
        if (taken.isEmpty()) {
            return;
        }
        Message[] messages = taken.toArray(new Message[0]);
        if (processedFolder == null) {
            folder.setFlags(messages, new Flags(Flags.Flag.SEEN), true);
            return;
        }
        Folder target = s.getFolder(processedFolder);
        if (!target.exists() && !target.create(Folder.HOLDS_MESSAGES)) {
            throw new MessagingException("cannot create the folder " + processedFolder);
        }
        // MOVE where the server has it; otherwise COPY, \Deleted and EXPUNGE on close
        folder.moveMessages(messages, target);
    }

    private static String sender(Message m) throws MessagingException {
        try {
            jakarta.mail.Address[] from = m.getFrom();
            if (from != null && from.length > 0 && from[0] instanceof InternetAddress ia && ia.getAddress() != null) {
                return ia.getAddress().toLowerCase(Locale.ROOT);
            }
        } catch (MessagingException unreadable) {
            // the reader will say why; the rate limit counts it as unknown
        }
        return "(unknown)";
    }

    private LargeMail.Reduced large(IMAPMessage m, Intake intake) throws MessagingException {
        long started = System.nanoTime();
        try {
            LargeMail.Reduced reduced = LargeMail.read(m, limits.maxMailBytes(), intake);
            LOG.info("Email: a mail of {} bytes read part by part in {} ms: {} bytes fetched, {} bytes onto the bus",
                    m.getSize(), (System.nanoTime() - started) / 1_000_000, reduced.downloaded(), reduced.raw().length);
            return reduced;
        } catch (IOException e) {
            throw new MessagingException("cannot read a large mail: " + e.getMessage(), e);
        }
    }

    private static byte[] raw(Message m) throws MessagingException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(1024, m.getSize()));
        try {
            m.writeTo(out);
        } catch (IOException e) {
            throw new MessagingException("cannot read the mail", e);
        }
        return out.toByteArray();
    }

    private IMAPStore connect() throws MessagingException {
        if (store != null && store.isConnected()) {
            return store;
        }
        closeStore();
        String protocol = server.ssl() ? "imaps" : "imap";
        Properties p = server.properties(protocol);
        // read without setting \Seen: a mail counts as handled only once it is on the bus
        p.setProperty("mail." + protocol + ".peek", "true");
        // a large mail's parts come in blocks of this size: fewer round trips, still small in memory
        p.setProperty("mail." + protocol + ".fetchsize", String.valueOf(1 << 20));
        Session session = runtime.session(p);
        IMAPStore s = server.ssl() ? new IMAPSSLStore(session, null) : new IMAPStore(session, null);
        s.connect(server.host(), server.port(), server.username(), server.password());
        if (s.hasCapability("ID")) {
            // NetEase (163, 126, yeah.net) refuses SELECT from a client that has not said who it is
            s.id(java.util.Map.of("name", "Switchboard", "vendor", "Switchboard", "version", "1"));
        }
        store = s;
        return s;
    }

    private void closeStore() {
        if (store != null) {
            try {
                store.close();
            } catch (MessagingException | RuntimeException ignored) {
                // it is being dropped anyway
            }
            store = null;
        }
    }

    @Override
    public synchronized void close() {
        closeStore();
    }
}
