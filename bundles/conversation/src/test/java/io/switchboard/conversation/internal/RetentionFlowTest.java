package io.switchboard.conversation.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.ChannelAddress;
import io.switchboard.api.Conversation;
import io.switchboard.api.ConversationState;
import io.switchboard.api.Customer;
import io.switchboard.api.Ids;
import io.switchboard.store.CustomerErasure;
import io.switchboard.store.PersonalData;
import io.switchboard.store.StoreException;
import io.switchboard.store.StoreSession;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The retention period: a conversation closed longer ago than the period is purged with what was said in it,
 * from the core's tables and every bundle's; its customer, their other conversations and open ones stay.
 */
class RetentionFlowTest extends FlowTestBase {

    static final Duration THIRTY_DAYS = Duration.ofDays(30);

    /** The conversation ids each bundle was asked to expire, page by page. */
    final List<List<String>> expired = Collections.synchronizedList(new ArrayList<>());
    final PersonalData channelTables = new PersonalData() {
        @Override
        public void erase(StoreSession s, CustomerErasure person) {
            throw new AssertionError("retention erases nobody");
        }

        @Override
        public void expire(StoreSession s, List<String> conversationIds) {
            // a bundle finds its rows through the conversations and their messages: the core deletes those after it
            for (String id : conversationIds) {
                assertEquals(1, count("SELECT COUNT(*) FROM sb_conversation WHERE id = ?", id, s));
            }
            expired.add(List.copyOf(conversationIds));
        }
    };

    Conversation stored(String conversationId) throws InterruptedException {
        return await(() -> store.inTransaction(s -> s.conversations().byId(conversationId)).orElse(null));
    }

    /** A web-chat visitor writes into the conversation the channel named, as web chat does. */
    Conversation visitorWrites(String visitor, String conversationId, String text) throws InterruptedException {
        put(visitorSays(visitor, "c-" + Ids.newId(), conversationId, text));
        return stored(conversationId);
    }

    void closedAgo(String conversationId, Duration ago) {
        desk.close(conversationId, "alice");
        execute("UPDATE sb_conversation SET closed_at = ? WHERE id = ?", Instant.now().minus(ago), conversationId);
    }

    void execute(String sql, Instant at, String id) {
        store.inTransaction(s -> {
            try (PreparedStatement ps = s.connection().prepareStatement(sql)) {
                ps.setObject(1, at.atOffset(ZoneOffset.UTC));
                ps.setString(2, id);
                assertEquals(1, ps.executeUpdate());
            }
            return null;
        });
    }

    int count(String sql, String value) {
        return store.inTransaction(s -> count(sql, value, s));
    }

    static int count(String sql, String value, StoreSession s) {
        try (PreparedStatement ps = s.connection().prepareStatement(sql)) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Messages, timeline rows and the conversation itself: what the core keeps of one conversation. */
    List<Integer> rowsOf(String conversationId) {
        return List.of(count("SELECT COUNT(*) FROM sb_message WHERE conversation_id = ?", conversationId),
                count("SELECT COUNT(*) FROM sb_timeline_event WHERE conversation_id = ?", conversationId),
                count("SELECT COUNT(*) FROM sb_conversation WHERE id = ?", conversationId));
    }

    /** A reply the broker has not taken yet, for a conversation: what the outbox holds until it does. */
    void waitingInTheOutbox(String conversationId) {
        store.inTransaction(s -> {
            try (PreparedStatement ps = s.connection().prepareStatement("INSERT INTO sb_outbox (dup_id, address, multicast,"
                    + " body, properties, created_at) VALUES (?, 'sb.outbound.webchat', FALSE, ?, '{}', ?)")) {
                ps.setString(1, "retention-" + Ids.newId());
                ps.setString(2, "{\"conversationId\":\"" + conversationId + "\",\"text\":\"还没送到\"}");
                ps.setObject(3, Instant.now().atOffset(ZoneOffset.UTC));
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Test
    void aConversationClosedBeforeThePeriodIsPurgedAndTheCustomerWithTheirOtherConversationsStays() throws Exception {
        String visitor = "v-retention";
        Conversation old = visitorWrites(visitor, Ids.newId(), "我的地址是朝阳区 1 号");
        desk.reply(old.id(), "alice", "好的，已登记", "r-old-1", null);
        closedAgo(old.id(), Duration.ofDays(40));
        Conversation later = visitorWrites(visitor, Ids.newId(), "又是我");
        assertEquals(old.customerId(), later.customerId(), "one customer, two conversations");
        closedAgo(later.id(), Duration.ofDays(29));
        Conversation open = visitorWrites("v-still-talking", Ids.newId(), "还在聊");
        execute("UPDATE sb_conversation SET opened_at = ? WHERE id = ?", Instant.now().minus(Duration.ofDays(400)), open.id());
        List<Integer> laterBefore = rowsOf(later.id());
        List<Integer> openBefore = rowsOf(open.id());
        List<Integer> oldBefore = rowsOf(old.id());
        assertEquals(2, oldBefore.get(0), "the customer's message and the agent's reply");
        assertTrue(oldBefore.get(1) >= 2, "opened and closed on the timeline: " + oldBefore);
        waitingInTheOutbox(old.id());

        int purged = new Retention(store, () -> List.of(channelTables), THIRTY_DAYS).sweep();

        assertEquals(1, purged);
        assertEquals(List.of(List.of(old.id())), expired, "every bundle's part is asked once, with the conversation's id");
        assertEquals(List.of(0, 0, 0), rowsOf(old.id()), "messages, timeline rows and the conversation");
        assertEquals(0, count("SELECT COUNT(*) FROM sb_outbox WHERE body LIKE ?", "%" + old.id() + "%"),
                "what waited to be sent in it is not sent");
        assertEquals(laterBefore, rowsOf(later.id()), "closed 29 days ago: kept");
        assertEquals(openBefore, rowsOf(open.id()), "open, however old: kept");
        Optional<Customer> customer = store.inTransaction(s -> s.customers().byId(old.customerId()));
        assertTrue(customer.isPresent(), "the customer stays");
        assertEquals(List.of(new ChannelAddress("webchat", visitor)), customer.get().addresses(), "with their address");

        assertEquals(0, new Retention(store, () -> List.of(channelTables), THIRTY_DAYS).sweep(), "nothing left to purge");
        assertEquals(1, expired.size());
    }

    @Test
    void aZeroPeriodKeepsEverything() throws Exception {
        Conversation old = visitorWrites("v-keep", Ids.newId(), "留着");
        closedAgo(old.id(), Duration.ofDays(3650));
        List<Integer> before = rowsOf(old.id());

        assertEquals(0, new Retention(store, () -> List.of(channelTables), Duration.ZERO).sweep());

        assertEquals(before, rowsOf(old.id()));
        assertEquals(List.of(), expired, "no bundle is asked");
    }

    @Test
    void aLongBacklogIsPurgedInPagesOldestFirst() {
        int backlog = Retention.PAGE + 5;
        Instant closed = Instant.now().minus(Duration.ofDays(100)).truncatedTo(ChronoUnit.MICROS);
        List<String> ids = store.inTransaction(s -> {
            Customer customer = s.customers().forAddress(new ChannelAddress("sms", "+8613900139000"), null);
            List<String> made = new ArrayList<>();
            for (int i = 0; i < backlog; i++) {
                String id = Ids.newId();
                Instant opened = closed.minusSeconds(60);
                s.conversations().create(new Conversation(id, customer.id(), new ChannelAddress("sms", "+8613900139000"),
                        ConversationState.QUEUED, List.of(), 0, null, opened, opened, opened, null, null));
                assertTrue(s.conversations().transition(id, ConversationState.QUEUED, ConversationState.CLOSED, null, null,
                        closed.plusSeconds(backlog - i)));
                made.add(id);
            }
            return made;
        });

        assertEquals(backlog, new Retention(store, () -> List.of(channelTables), THIRTY_DAYS).sweep());

        assertEquals(List.of(Retention.PAGE, 5), expired.stream().map(List::size).toList(), "one transaction per page");
        // ids were made newest close first
        assertEquals(ids.subList(0, 5).stream().sorted().toList(), expired.get(1).stream().sorted().toList(),
                "the oldest closes go first, the newest last");
        for (String id : ids) {
            assertEquals(0, count("SELECT COUNT(*) FROM sb_conversation WHERE id = ?", id));
        }
    }

    @Test
    void aPageThatFailsIsLeftWholeAndTakenAgainByTheNextSweep() throws Exception {
        Conversation old = visitorWrites("v-again", Ids.newId(), "第二次才删");
        closedAgo(old.id(), Duration.ofDays(31));
        List<Integer> before = rowsOf(old.id());
        PersonalData locked = new PersonalData() {
            @Override
            public void erase(StoreSession s, CustomerErasure person) {
            }

            @Override
            public void expire(StoreSession s, List<String> conversationIds) throws SQLException {
                throw new SQLException("the channel's table is locked", "40P01");
            }
        };

        assertThrows(StoreException.class, () -> new Retention(store, () -> List.of(channelTables, locked), THIRTY_DAYS).sweep());
        assertEquals(before, rowsOf(old.id()), "the page rolled back: nothing of it is gone");

        assertEquals(1, new Retention(store, () -> List.of(channelTables), THIRTY_DAYS).sweep());
        assertEquals(List.of(0, 0, 0), rowsOf(old.id()));
    }
}
