package io.switchboard.workorders.internal;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.Customer;
import io.switchboard.api.Direction;
import io.switchboard.api.DomainEvent;
import io.switchboard.api.Ids;
import io.switchboard.api.Outage;
import io.switchboard.api.TimelineEntry;
import io.switchboard.bus.Bus;
import io.switchboard.conversation.AgentDesk;
import io.switchboard.store.Store;
import io.switchboard.store.StoreSession;
import io.switchboard.workorders.WorkOrder;
import io.switchboard.workorders.WorkOrderChange;
import io.switchboard.workorders.WorkOrderType;
import io.switchboard.workorders.WorkOrders;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link WorkOrders} over the store and the bus. A change, its history entry, its timeline entry
 * and the notice the customer must get are one transaction; events and notices leave after the
 * commit, and a notice the bus did not take is sent again by {@link #sweep} under the same id.
 */
final class Board implements WorkOrders {

    private static final Logger LOG = LoggerFactory.getLogger(Board.class);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyMMdd").withZone(ZoneOffset.UTC);
    private static final int MAX_TEXT = 4000;

    private final Store store;
    private final Bus bus;
    private final AgentDesk desk;
    private final CanonicalJson json;
    private final Supplier<Map<String, WorkOrderType>> types;
    private final Duration surveyWindow;

    Board(Store store, Bus bus, AgentDesk desk, CanonicalJson json, Supplier<Map<String, WorkOrderType>> types,
          Duration surveyWindow) {
        this.store = store;
        this.bus = bus;
        this.desk = desk;
        this.json = json;
        this.types = types;
        this.surveyWindow = surveyWindow;
    }

    /** What one transaction leaves to do after its commit. */
    private static final class After {
        final List<DomainEvent> events = new ArrayList<>();
        final List<Ledger.Notice> notices = new ArrayList<>();
    }

    @Override
    public List<WorkOrderType> types() {
        return List.copyOf(types.get().values());
    }

    @Override
    public WorkOrder create(WorkOrder.Draft d, String by) {
        if (d == null) {
            throw new IllegalArgumentException("a work order is required");
        }
        WorkOrderType type = type(d.type());
        String title = required(d.title(), "title", 500);
        requireText(d.customerId(), "customerId");
        List<String> requirements = d.requirements() == null ? List.of() : d.requirements();
        requirements.forEach(r -> oneLine(r, "requirement"));
        Map<String, String> refs = d.references() == null ? Map.of() : d.references();
        refs.forEach((k, v) -> {
            oneLine(k, "reference key");
            oneLine(v, "reference value");
            if (k.contains("=")) {
                throw new IllegalArgumentException("reference keys may not contain '='");
            }
        });
        if (d.details() != null && d.details().length() > 20_000) {
            throw new IllegalArgumentException("details longer than 20000 characters");
        }
        if (d.key() != null && (d.key().isBlank() || d.key().length() > 120)) {
            throw new IllegalArgumentException("key must be 1 to 120 characters");
        }
        Instant now = now();
        After after = new After();
        try {
            return create(d, by, type, title, requirements, refs, now, after);
        } catch (io.switchboard.store.StoreException e) {
            // two creators with the same key at once: the loser gets the winner's order
            if (d.key() != null) {
                java.util.Optional<WorkOrder> first = store.inTransaction(s -> new Ledger(s.connection()).byKey(d.key()));
                if (first.isPresent()) {
                    return first.get();
                }
            }
            throw e;
        }
    }

    private WorkOrder create(WorkOrder.Draft d, String by, WorkOrderType type, String title, List<String> requirements,
                             Map<String, String> refs, Instant now, After after) {
        WorkOrder created = store.inTransaction(s -> {
            if (d.key() != null) {
                java.util.Optional<WorkOrder> earlier = new Ledger(s.connection()).byKey(d.key());
                if (earlier.isPresent()) {
                    if (!earlier.get().customerId().equals(s.customers().byId(d.customerId()).map(Customer::id).orElse(null))) {
                        throw new IllegalStateException("key " + d.key() + " was used for another customer's order");
                    }
                    return earlier.get();
                }
            }
            Customer customer = s.customers().byId(d.customerId())
                    .orElseThrow(() -> new IllegalArgumentException("no customer " + d.customerId()));
            if (d.conversationId() != null && s.conversations().byId(d.conversationId()).isEmpty()) {
                throw new IllegalArgumentException("no conversation " + d.conversationId());
            }
            String id = Ids.newId();
            Instant due = d.dueAt() != null ? d.dueAt() : type.dueMinutes() > 0 ? now.plus(type.dueMinutes(), ChronoUnit.MINUTES) : null;
            WorkOrder w = new WorkOrder(id, number(id, now), type.name(), type.initial(), customer.id(), d.conversationId(),
                    title, d.details(), requirements, blankToNull(d.team()), blankToNull(d.assignee()), refs, due,
                    false, null, by, now, now);
            Ledger ledger = new Ledger(s.connection());
            ledger.insert(w, d.key());
            step(s, ledger, after, w, by, WorkOrderChange.Kind.CREATED, null, w.state(), null,
                    Map.of("title", title), CREATED, "Work order " + w.number() + " (" + type.title() + ") opened: " + title);
            notice(ledger, after, type, w, w.state(), Map.of(), now);
            return w;
        });
        finish(after);
        return created;
    }

    @Override
    public WorkOrder workOrder(String id) {
        return store.inTransaction(s -> find(new Ledger(s.connection()), id));
    }

    @Override
    public List<WorkOrder> list(String state, String team, String assignee, String customerId, int limit) {
        int n = Math.max(1, Math.min(limit <= 0 ? 100 : limit, 1000));
        return store.inTransaction(s -> {
            String customer = customerId;
            if (customer != null && !customer.isBlank()) {
                // a merged customer's orders are the survivor's
                customer = s.customers().byId(customer).map(Customer::id).orElse(customer);
            }
            return new Ledger(s.connection()).list(state, team, assignee, customer, n);
        });
    }

    @Override
    public WorkOrder transition(String id, String to, String by, String note, Map<String, String> data) {
        requireText(to, "to");
        Map<String, String> fields = data == null ? Map.of() : data;
        fields.forEach((k, v) -> oneLine(v, k));
        if (note != null && note.length() > MAX_TEXT) {
            throw new IllegalArgumentException("note longer than " + MAX_TEXT + " characters");
        }
        Instant now = now();
        After after = new After();
        WorkOrder moved = store.inTransaction(s -> {
            Ledger ledger = new Ledger(s.connection());
            WorkOrder w = find(ledger, id);
            WorkOrderType type = types.get().get(w.type());
            if (type == null) {
                throw new IllegalStateException("work-order type " + w.type() + " is no longer configured");
            }
            if (!type.allows(w.state(), to)) {
                throw new IllegalStateException(type.name() + " " + w.number() + " cannot go from " + w.state() + " to "
                        + to + "; it may go to " + type.transitions().getOrDefault(w.state(), Set.of()));
            }
            if (!ledger.move(w.id(), w.state(), to, now)) {
                throw new IllegalStateException(w.number() + " was changed by someone else; reload it");
            }
            Map<String, String> stepData = new TreeMap<>(fields);
            stepData.put("from", w.state());
            stepData.put("to", to);
            step(s, ledger, after, w, by, WorkOrderChange.Kind.STATE, w.state(), to, note, stepData, CHANGED,
                    "Work order " + w.number() + ": " + w.state() + " → " + to + (note == null || note.isBlank() ? "" : " (" + note + ")"));
            WorkOrder now2 = find(ledger, w.id());
            Map<String, String> fill = new TreeMap<>(fields);
            if (note != null) {
                fill.put("note", note);
            }
            notice(ledger, after, type, now2, to, fill, now);
            if (to.equals(type.surveyState()) && !type.surveyText().isBlank()) {
                Ledger.Notice survey = new Ledger.Notice(noticeId(w.id(), "survey"), w.id(), w.customerId(),
                        fill(type.surveyText(), now2, fill), "Satisfaction survey for work order " + w.number());
                if (ledger.notice(survey, now)) {
                    ledger.surveySent(w.id(), now);
                    after.notices.add(survey);
                }
            }
            return now2;
        });
        finish(after);
        return moved;
    }

    @Override
    public WorkOrder assign(String id, String team, String assignee, String by) {
        Instant now = now();
        After after = new After();
        WorkOrder assigned = store.inTransaction(s -> {
            Ledger ledger = new Ledger(s.connection());
            WorkOrder w = find(ledger, id);
            ledger.assign(w.id(), blankToNull(team), blankToNull(assignee), now);
            Map<String, String> data = new TreeMap<>();
            data.put("team", team == null ? "" : team);
            data.put("assignee", assignee == null ? "" : assignee);
            step(s, ledger, after, w, by, WorkOrderChange.Kind.ASSIGNED, null, null, null, data, CHANGED,
                    "Work order " + w.number() + " assigned to " + (assignee == null || assignee.isBlank() ? "" : assignee + " ")
                            + (team == null || team.isBlank() ? "" : "(" + team + ")"));
            return find(ledger, w.id());
        });
        finish(after);
        return assigned;
    }

    @Override
    public WorkOrderChange note(String id, String text, String by) {
        String note = required(text, "text", MAX_TEXT);
        Instant now = now();
        After after = new After();
        WorkOrderChange added = store.inTransaction(s -> {
            Ledger ledger = new Ledger(s.connection());
            WorkOrder w = find(ledger, id);
            return step(s, ledger, after, w, by, WorkOrderChange.Kind.NOTE, null, null, note, Map.of(), CHANGED,
                    "Note on work order " + w.number() + ": " + note);
        });
        finish(after);
        return added;
    }

    @Override
    public WorkOrder refer(String id, Map<String, String> references, String by) {
        if (references == null || references.isEmpty()) {
            throw new IllegalArgumentException("no references given");
        }
        Instant now = now();
        After after = new After();
        WorkOrder referred = store.inTransaction(s -> {
            Ledger ledger = new Ledger(s.connection());
            WorkOrder w = find(ledger, id);
            Map<String, String> refs = new TreeMap<>(w.references());
            references.forEach((name, value) -> {
                required(name, "reference name", 100);
                if (value == null || value.isBlank()) {
                    refs.remove(name);
                } else {
                    refs.put(name, required(value, name, 500));
                }
            });
            if (refs.equals(new TreeMap<>(w.references()))) {
                // a repeated call (a redelivered reply) changes nothing and says nothing
                return w;
            }
            ledger.refer(w.id(), refs, now);
            StringBuilder said = new StringBuilder();
            references.forEach((name, value) -> said.append(said.length() == 0 ? "" : ", ").append(name).append(" ")
                    .append(value == null || value.isBlank() ? "removed" : value));
            step(s, ledger, after, w, by, WorkOrderChange.Kind.REFERENCED, null, null, null, withoutNulls(references),
                    CHANGED, "Work order " + w.number() + ": " + said);
            return find(ledger, w.id());
        });
        finish(after);
        return referred;
    }

    @Override
    public String attach(String id, String name, String mediaType, byte[] content, String by) {
        String fileName = required(name, "name", 255);
        if (fileName.contains("/") || fileName.contains("\\")) {
            throw new IllegalArgumentException("name is a file name, without a path");
        }
        if (content == null || content.length == 0) {
            throw new IllegalArgumentException("the attachment is empty");
        }
        String type = mediaType == null || mediaType.isBlank() ? "application/octet-stream" : mediaType;
        Instant now = now();
        After after = new After();
        String attachmentId = Ids.newId();
        store.inTransaction(s -> {
            Ledger ledger = new Ledger(s.connection());
            WorkOrder w = find(ledger, id);
            ledger.attach(attachmentId, w.id(), fileName, type, content, now);
            step(s, ledger, after, w, by, WorkOrderChange.Kind.ATTACHMENT, null, null, fileName,
                    Map.of("attachmentId", attachmentId, "name", fileName, "mediaType", type,
                            "bytes", Integer.toString(content.length)), CHANGED,
                    "Attachment on work order " + w.number() + ": " + fileName);
            return null;
        });
        finish(after);
        return attachmentId;
    }

    @Override
    public Attachment attachment(String id, String attachmentId) {
        return store.inTransaction(s -> {
            Ledger ledger = new Ledger(s.connection());
            WorkOrder w = find(ledger, id);
            return ledger.attachment(w.id(), attachmentId)
                    .orElseThrow(() -> new NoSuchElementException("no attachment " + attachmentId + " on " + w.number()));
        });
    }

    @Override
    public List<WorkOrderChange> history(String id) {
        return store.inTransaction(s -> {
            Ledger ledger = new Ledger(s.connection());
            return ledger.history(find(ledger, id).id());
        });
    }

    @Override
    public WorkOrder rate(String id, int score, String by) {
        if (score < 1 || score > 5) {
            throw new IllegalArgumentException("a score is 1 to 5");
        }
        Instant now = now();
        After after = new After();
        WorkOrder rated = store.inTransaction(s -> {
            Ledger ledger = new Ledger(s.connection());
            WorkOrder w = find(ledger, id);
            ledger.rate(w.id(), score, now);
            step(s, ledger, after, w, by, WorkOrderChange.Kind.RATED, null, null, null,
                    Map.of("score", Integer.toString(score)), RATED,
                    "The customer rated work order " + w.number() + ": " + score + "/5");
            return find(ledger, w.id());
        });
        finish(after);
        return rated;
    }

    @Override
    public Map<String, Map<String, Double>> satisfaction() {
        return store.inTransaction(s -> new Ledger(s.connection()).satisfaction());
    }

    /**
     * The periodic work: overdue orders escalate; the first thing a surveyed customer writes back is
     * taken as their score if it reads as one; notices the bus did not take go again.
     */
    void sweep() {
        Instant now = now();
        Map<String, WorkOrderType> all = types.get();
        Set<String> finished = new LinkedHashSet<>();
        all.values().forEach(t -> finished.addAll(t.terminal()));
        After after = new After();
        store.inTransaction(s -> {
            Ledger ledger = new Ledger(s.connection());
            for (WorkOrder w : ledger.overdue(now, finished, 100)) {
                WorkOrderType type = all.get(w.type());
                String team = type == null ? null : type.escalateTo();
                if (ledger.escalate(w.id(), team, now)) {
                    step(s, ledger, after, w, "system", WorkOrderChange.Kind.ESCALATED, null, null,
                            "due " + w.dueAt(), team == null ? Map.of() : Map.of("team", team), ESCALATED,
                            "Work order " + w.number() + " is overdue" + (team == null ? "" : " and went to " + team));
                }
            }
            return null;
        });
        finish(after);
        takeScores(now);
        resend(now);
    }

    /** The work order whose survey the customer has not answered yet, if any (newest first). */
    java.util.Optional<String> surveyAwaiting(String customerId) {
        Instant since = now().minus(surveyWindow);
        return store.inTransaction(s -> new Ledger(s.connection()).surveyOutFor(customerId, since)
                .map(Ledger.SurveyOut::workOrderId));
    }

    private void takeScores(Instant now) {
        List<Ledger.SurveyOut> out = store.inTransaction(s -> new Ledger(s.connection()).surveysOut(now.minus(surveyWindow), 200));
        for (Ledger.SurveyOut survey : out) {
            // the customer's first message after the survey, on any channel
            TimelineEntry answer = store.inTransaction(s -> {
                TimelineEntry first = null;
                for (TimelineEntry e : s.timeline().page(survey.customerId(), null, 50).entries()) {
                    if (e.kind() == TimelineEntry.Kind.MESSAGE && e.direction() == Direction.INBOUND
                            && !e.time().isBefore(survey.sentAt())) {
                        first = e;
                    }
                }
                return first;
            });
            if (answer == null) {
                continue;
            }
            OptionalInt score = Scores.parse(answer.summary());
            if (score.isPresent()) {
                rate(survey.workOrderId(), score.getAsInt(), "customer");
            } else {
                // they wrote about something else: the survey is over, unanswered
                store.inTransaction(s -> {
                    new Ledger(s.connection()).surveySent(survey.workOrderId(), null);
                    return null;
                });
            }
        }
    }

    private void resend(Instant now) {
        List<Ledger.Notice> unsent = store.inTransaction(s -> new Ledger(s.connection()).unsent(now.minusSeconds(5), 100));
        for (Ledger.Notice n : unsent) {
            RuntimeException away = send(n);
            if (away != null) {
                // the rest wait for the next sweep, whose OutageLog says the outage once
                throw away;
            }
        }
    }

    // ---- steps

    private WorkOrderChange step(StoreSession s, Ledger ledger, After after, WorkOrder w, String by,
                                 WorkOrderChange.Kind kind, String from, String to, String note,
                                 Map<String, String> data, String event, String summary) throws SQLException {
        Instant at = now();
        String changeId = kind.name().toLowerCase() + ":" + Ids.newId();
        WorkOrderChange change = new WorkOrderChange(changeId, w.id(), at, by == null ? "system" : by, kind, from, to,
                note, data);
        ledger.change(change);
        Map<String, String> fields = new TreeMap<>(data);
        fields.put("workOrderId", w.id());
        fields.put("number", w.number());
        fields.put("type", w.type());
        fields.put("state", to != null ? to : w.state());
        if (by != null) {
            fields.put("by", by);
        }
        s.timeline().record(new TimelineEntry("wo:" + changeId, w.customerId(), w.conversationId(), at,
                TimelineEntry.Kind.WORK_ORDER, null, null, by, summary, fields));
        after.events.add(new DomainEvent("wo:" + changeId, event, at, w.conversationId(), w.customerId(), fields));
        return change;
    }

    private void notice(Ledger ledger, After after, WorkOrderType type, WorkOrder w, String state,
                        Map<String, String> fill, Instant now) throws SQLException {
        String template = type.notices().get(state);
        if (template == null) {
            return;
        }
        Ledger.Notice n = new Ledger.Notice(noticeId(w.id(), state), w.id(), w.customerId(),
                fill(template, w, fill), "Work order " + w.number() + " (" + type.title() + "): " + state);
        if (ledger.notice(n, now)) {
            after.notices.add(n);
        }
    }

    static String fill(String template, WorkOrder w, Map<String, String> fill) {
        String text = template.replace("{number}", w.number()).replace("{title}", w.title())
                .replace("{assignee}", w.assignee() == null ? "" : w.assignee())
                .replace("{team}", w.team() == null ? "" : w.team());
        for (Map.Entry<String, String> e : fill.entrySet()) {
            text = text.replace("{" + e.getKey() + "}", e.getValue() == null ? "" : e.getValue());
        }
        // a placeholder nobody filled would read as a bug to the customer
        return text.replaceAll("\\{[a-zA-Z]+\\}", "").replaceAll("[ \\t]{2,}", " ").trim();
    }

    private void finish(After after) {
        for (DomainEvent e : after.events) {
            try {
                bus.publish(BusAddress.EVENTS, json.toJson(e), e.busProperties());
            } catch (RuntimeException failure) {
                // the change is stored and on the timeline; only live watchers miss it
                LOG.warn("work orders: event {} not published: {}", e.id(), failure.toString());
            }
        }
        after.notices.forEach(this::send);
    }

    /** @return the outage that kept it from being sent, or null */
    private RuntimeException send(Ledger.Notice n) {
        String failure = null;
        Instant sentAt;
        try {
            desk.push(n.customerId(), null, n.text(), n.id(), n.reason(), Map.of("workOrderId", n.workOrderId()));
            sentAt = now();
        } catch (IllegalArgumentException | NoSuchElementException nowhere) {
            // no address to reach them on: nothing a retry would change
            sentAt = now();
            failure = "undeliverable: " + nowhere.getMessage();
            LOG.info("work orders: notice {} not sent: {}", n.id(), nowhere.getMessage());
        } catch (RuntimeException later) {
            if (Outage.isOutage(later)) {
                // unsent and unmarked: the sweep sends it again and says the outage once
                LOG.debug("work orders: notice {} not sent yet: {}", n.id(), later.toString());
                return later;
            }
            LOG.warn("work orders: notice {} not sent yet, will retry: {}", n.id(), later.toString());
            sentAt = null;
            failure = later.toString();
        }
        Instant at = sentAt;
        String why = failure;
        try {
            store.inTransaction(s -> {
                new Ledger(s.connection()).noticeOutcome(n.id(), at, why);
                return null;
            });
        } catch (RuntimeException e) {
            // sent but not marked: the retry pushes the same id, which the conversation side ignores
            LOG.warn("work orders: notice {} outcome not stored: {}", n.id(), e.toString());
        }
        return null;
    }

    // ---- small things

    private WorkOrderType type(String name) {
        requireText(name, "type");
        WorkOrderType type = types.get().get(name);
        if (type == null) {
            throw new IllegalArgumentException("unknown work-order type " + name + "; known: " + types.get().keySet());
        }
        return type;
    }

    private static WorkOrder find(Ledger ledger, String id) throws SQLException {
        return ledger.byId(id).orElseThrow(() -> new NoSuchElementException("no work order " + id));
    }

    /** The same step of the same order always gives the same id, so the customer hears of it once. */
    static String noticeId(String workOrderId, String step) {
        return java.util.UUID.nameUUIDFromBytes(("work order " + workOrderId + " " + step)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
    }

    /** WO-yymmdd-XXXXXX: short enough to read out on the phone, from the id's random bits. */
    static String number(String id, Instant now) {
        String hex = id.replace("-", "");
        return "WO-" + DAY.format(now) + "-" + hex.substring(hex.length() - 6).toUpperCase();
    }

    private static Map<String, String> withoutNulls(Map<String, String> map) {
        Map<String, String> copy = new TreeMap<>();
        map.forEach((k, v) -> copy.put(k, v == null ? "" : v));
        return copy;
    }

    private static String required(String text, String field, int max) {
        requireText(text, field);
        if (text.length() > max) {
            throw new IllegalArgumentException(field + " longer than " + max + " characters");
        }
        return text.trim();
    }

    private static void requireText(String text, String field) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(field + " is required");
        }
    }

    private static void oneLine(String text, String field) {
        if (text == null || text.contains("\n") || text.contains("\r") || text.length() > 500) {
            throw new IllegalArgumentException(field + " must be one line of at most 500 characters");
        }
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }

    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
