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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import io.switchboard.bus.BusUnavailableException;
import org.eclipse.angus.mail.imap.IMAPFolder;
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
 * <p>An unreachable server is logged once, then retried with growing pauses up to five minutes,
 * quietly until it answers again.
 */
final class Mailbox implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Mailbox.class);
    static final Duration MAX_PAUSE = Duration.ofMinutes(5);

    /** Where mails go from the folder: the bus. */
    interface Intake {
        /** Whether a mail from {@code sender} may go now; asked before the mail is even downloaded. */
        default boolean admits(String sender) {
            return true;
        }

        /** Puts the mail on the bus; returns once the broker has it, throws if it did not take it. */
        void take(byte[] raw, String sender, String messageId);
    }

    private final MailServer server;
    private final String folderName;
    private final String processedFolder;
    private final int batch;
    private final Duration pollInterval;
    private final MailRuntime runtime;
    private IMAPStore store;
    private boolean failing;
    private Set<String> deferredBefore = Set.of();
    private long nextAttemptNanos;
    private Duration pause;

    Mailbox(MailServer server, String folder, String processedFolder, int batch, Duration pollInterval, MailRuntime runtime) {
        this.server = server;
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
            folder.fetch(waiting, profile);
            for (Message m : waiting) {
                if (taken.size() >= batch) {
                    break;
                }
                if (m.isExpunged() || m.isSet(Flags.Flag.DELETED)) {
                    continue;
                }
                String sender = sender(m);
                if (!intake.admits(sender)) {
                    deferred++;
                    deferredSenders.add(sender);
                    continue;
                }
                String messageId = MailReader.firstId(((org.eclipse.angus.mail.imap.IMAPMessage) m).getMessageID());
                intake.take(raw(m), sender, messageId);
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
            LOG.info("Email: {} mail(s) from {} over their rate left in {} for a later poll", deferred, deferredSenders,
                    folderName);
        } else if (deferred > 0) {
            LOG.debug("Email: {} mail(s) from {} still over their rate", deferred, deferredSenders);
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
