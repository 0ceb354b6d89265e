package io.switchboard.channel.sms.internal;

import io.switchboard.api.Ids;
import io.switchboard.store.Store;
import io.switchboard.store.StoreSession;
import java.io.ByteArrayOutputStream;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Long messages from phones, put back together in the database: each part is written before the
 * SMSC hears we have it, so a restart between parts loses nothing, and a part the SMSC sends again
 * (our answer was lost) is recognised by its reference, number and octets, and not counted twice.
 *
 * <p>A set whose last parts never come is delivered anyway after {@code timeout}, with "[…]"
 * where text is missing, but only once the link has been up for that long: parts held by the SMSC
 * while we were down arrive after the bind, not never.
 */
final class Concatenation {

    private static final Logger LOG = LoggerFactory.getLogger(Concatenation.class);
    static final String GAP = "[…]";

    /** How long a completed message is remembered, so a late repeat of one of its parts is dropped. */
    static final Duration REMEMBER = Duration.ofHours(24);

    /** One part as it came from the SMSC. */
    record Part(String source, String destination, int reference, int total, int sequence, int dataCoding,
                byte[] payload) {
    }

    /** What a set of parts becomes: its text, when its first part came, and how many were missing. */
    record Assembled(String setId, String source, String destination, int reference, int total, Instant firstPart,
                     String text, int missing) {
    }

    /** A message ready for the bus: its set and the canonical JSON to send. */
    record Ready(String setId, String body) {
    }

    /** Builds the bus body of a completed set; it is stored with the set so every resend is identical. */
    interface Writer {
        String body(Assembled assembled);
    }

    private final Store store;
    private final Writer writer;

    Concatenation(Store store, Writer writer) {
        this.store = store;
        this.writer = writer;
    }

    /**
     * Keeps {@code part}. Returns the message when this part completed it, or when it repeats a part
     * of a message complete but not yet on the bus (the earlier attempt failed). One part at a time:
     * two parts of one message taken at once would each see the other as missing.
     */
    synchronized Optional<Ready> accept(Part part) {
        return store.inTransaction(s -> {
            Instant now = Instant.now();
            String open = null;
            for (Candidate c : candidates(s, part, now.minus(REMEMBER))) {
                byte[] seen = payload(s, c.setId(), part.sequence());
                if (seen != null && Arrays.equals(seen, part.payload())) {
                    LOG.debug("SMS: part {}/{} of ref {} from {} again; dropped", part.sequence(), part.total(),
                            part.reference(), part.source());
                    return "COMPLETE".equals(c.state()) ? ready(s, c.setId()) : Optional.<Ready>empty();
                }
                if (open == null && "OPEN".equals(c.state()) && seen == null) {
                    open = c.setId();
                }
            }
            String setId = open != null ? open : create(s, part, now);
            try (PreparedStatement ps = s.connection().prepareStatement(
                    "INSERT INTO sms_part (set_id, seq, data_coding, payload) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, setId);
                ps.setInt(2, part.sequence());
                ps.setInt(3, part.dataCoding());
                ps.setString(4, Base64.getEncoder().encodeToString(part.payload()));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = s.connection().prepareStatement(
                    "UPDATE sms_concat SET last_part_at = ? WHERE set_id = ?")) {
                ps.setObject(1, now.atOffset(ZoneOffset.UTC));
                ps.setString(2, setId);
                ps.executeUpdate();
            }
            return count(s, setId) >= part.total() ? complete(s, setId) : Optional.<Ready>empty();
        });
    }

    /** The message is on the bus: its set is kept only to recognise late repeats. */
    void sent(String setId) {
        store.inTransaction(s -> {
            try (PreparedStatement ps = s.connection().prepareStatement(
                    "UPDATE sms_concat SET state = 'SENT' WHERE set_id = ?")) {
                ps.setString(1, setId);
                return ps.executeUpdate();
            }
        });
    }

    /**
     * What the periodic sweep sends: messages complete but not on the bus (a failed send), and sets
     * whose missing parts have not come for {@code timeout} while the link was up ({@code boundSince},
     * null while down). Forgets sets older than {@link #REMEMBER}.
     */
    synchronized List<Ready> overdue(Duration timeout, Instant boundSince) {
        Instant now = Instant.now();
        return store.inTransaction(s -> {
            List<Ready> ready = new ArrayList<>();
            for (String setId : sets(s, "COMPLETE", now.minusSeconds(5))) {
                ready(s, setId).ifPresent(ready::add);
            }
            Instant cutoff = now.minus(timeout);
            if (boundSince != null && boundSince.isBefore(cutoff)) {
                for (String setId : sets(s, "OPEN", cutoff)) {
                    complete(s, setId).ifPresent(ready::add);
                }
            }
            forget(s, now.minus(REMEMBER));
            return ready;
        });
    }

    private record Candidate(String setId, String state) {
    }

    private static List<Candidate> candidates(StoreSession s, Part part, Instant since) throws SQLException {
        List<Candidate> found = new ArrayList<>();
        try (PreparedStatement ps = s.connection().prepareStatement(
                "SELECT set_id, state FROM sms_concat WHERE source = ? AND ref = ? AND total = ? AND created_at > ?"
                        + " ORDER BY created_at DESC")) {
            ps.setString(1, part.source());
            ps.setInt(2, part.reference());
            ps.setInt(3, part.total());
            ps.setObject(4, since.atOffset(ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new Candidate(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return found;
    }

    private static String create(StoreSession s, Part part, Instant now) throws SQLException {
        String setId = Ids.newId();
        try (PreparedStatement ps = s.connection().prepareStatement(
                "INSERT INTO sms_concat (set_id, source, destination, ref, total, state, created_at, last_part_at)"
                        + " VALUES (?, ?, ?, ?, ?, 'OPEN', ?, ?)")) {
            ps.setString(1, setId);
            ps.setString(2, part.source());
            ps.setString(3, part.destination());
            ps.setInt(4, part.reference());
            ps.setInt(5, part.total());
            ps.setObject(6, now.atOffset(ZoneOffset.UTC));
            ps.setObject(7, now.atOffset(ZoneOffset.UTC));
            ps.executeUpdate();
        }
        return setId;
    }

    private static byte[] payload(StoreSession s, String setId, int seq) throws SQLException {
        try (PreparedStatement ps = s.connection().prepareStatement(
                "SELECT payload FROM sms_part WHERE set_id = ? AND seq = ?")) {
            ps.setString(1, setId);
            ps.setInt(2, seq);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Base64.getDecoder().decode(rs.getString(1)) : null;
            }
        }
    }

    private static int count(StoreSession s, String setId) throws SQLException {
        try (PreparedStatement ps = s.connection().prepareStatement("SELECT COUNT(*) FROM sms_part WHERE set_id = ?")) {
            ps.setString(1, setId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Joins the parts in order (octets of one coding together, so pairs torn by the sender mend) into text. */
    private Optional<Ready> complete(StoreSession s, String setId) throws SQLException {
        String source;
        String destination;
        int reference;
        int total;
        Instant created;
        try (PreparedStatement ps = s.connection().prepareStatement(
                "SELECT source, destination, ref, total, created_at FROM sms_concat WHERE set_id = ?")) {
            ps.setString(1, setId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                source = rs.getString(1);
                destination = rs.getString(2);
                reference = rs.getInt(3);
                total = rs.getInt(4);
                created = rs.getObject(5, OffsetDateTime.class).toInstant();
            }
        }
        StringBuilder text = new StringBuilder();
        ByteArrayOutputStream run = new ByteArrayOutputStream();
        int runCoding = -1;
        int expected = 1;
        int missing = 0;
        try (PreparedStatement ps = s.connection().prepareStatement(
                "SELECT seq, data_coding, payload FROM sms_part WHERE set_id = ? ORDER BY seq")) {
            ps.setString(1, setId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int seq = rs.getInt(1);
                    int coding = rs.getInt(2);
                    if (seq != expected || coding != runCoding) {
                        flush(text, run, runCoding);
                        if (seq != expected) {
                            text.append(GAP);
                            missing += seq - expected;
                        }
                        runCoding = coding;
                    }
                    run.writeBytes(Base64.getDecoder().decode(rs.getString(3)));
                    expected = seq + 1;
                }
            }
        }
        flush(text, run, runCoding);
        if (expected <= total) {
            text.append(GAP);
            missing += total - expected + 1;
        }
        if (missing > 0) {
            LOG.warn("SMS: message ref {} from {} delivered with {} of {} parts missing", reference, source, missing,
                    total);
        }
        String body = writer.body(new Assembled(setId, source, destination, reference, total, created,
                text.toString(), missing));
        try (PreparedStatement ps = s.connection().prepareStatement(
                "UPDATE sms_concat SET state = 'COMPLETE', body = ? WHERE set_id = ?")) {
            ps.setString(1, body);
            ps.setString(2, setId);
            ps.executeUpdate();
        }
        return Optional.of(new Ready(setId, body));
    }

    private static void flush(StringBuilder text, ByteArrayOutputStream run, int coding) {
        if (run.size() > 0) {
            text.append(SmsText.decode(coding, run.toByteArray()));
            run.reset();
        }
    }

    private static Optional<Ready> ready(StoreSession s, String setId) throws SQLException {
        try (PreparedStatement ps = s.connection().prepareStatement(
                "SELECT body FROM sms_concat WHERE set_id = ? AND state = 'COMPLETE'")) {
            ps.setString(1, setId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getString(1) != null ? Optional.of(new Ready(setId, rs.getString(1)))
                        : Optional.empty();
            }
        }
    }

    private static List<String> sets(StoreSession s, String state, Instant lastPartBefore) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement ps = s.connection().prepareStatement(
                "SELECT set_id FROM sms_concat WHERE state = ? AND last_part_at < ? ORDER BY created_at")) {
            ps.setString(1, state);
            ps.setObject(2, lastPartBefore.atOffset(ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    private static void forget(StoreSession s, Instant before) throws SQLException {
        try (PreparedStatement ps = s.connection().prepareStatement(
                "DELETE FROM sms_part WHERE set_id IN (SELECT set_id FROM sms_concat WHERE state = 'SENT' AND created_at < ?)")) {
            ps.setObject(1, before.atOffset(ZoneOffset.UTC));
            ps.executeUpdate();
        }
        try (PreparedStatement ps = s.connection().prepareStatement(
                "DELETE FROM sms_concat WHERE state = 'SENT' AND created_at < ?")) {
            ps.setObject(1, before.atOffset(ZoneOffset.UTC));
            ps.executeUpdate();
        }
    }
}
