package io.switchboard.conversation.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.BusAddress;
import io.switchboard.api.ChannelAddress;
import io.switchboard.api.ContentPart;
import io.switchboard.api.Conversation;
import io.switchboard.api.Direction;
import io.switchboard.api.Ids;
import io.switchboard.api.Message;
import io.switchboard.bus.BusUnavailableException;
import io.switchboard.bus.internal.ArtemisBus;
import io.switchboard.store.CustomerErasure;
import io.switchboard.store.PersonalData;
import io.switchboard.testkit.TestBroker;
import jakarta.jms.JMSException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

/** Erasing a person: everything of theirs, in the core's tables and every bundle's, or nothing. */
class ErasureFlowTest extends FlowTestBase {

    final List<CustomerErasure> asked = new ArrayList<>();
    final PersonalData channelTables = (s, person) -> asked.add(person);

    Message says(ChannelAddress from, String text) {
        return new Message(Ids.newId(), "c-" + Ids.newId(), Direction.INBOUND, from, null, null, null,
                Instant.now().truncatedTo(ChronoUnit.MICROS), List.of(ContentPart.text(text)), Map.of());
    }

    Conversation conversationOn(ChannelAddress address) throws InterruptedException {
        return await(() -> store.inTransaction(s -> s.conversations().openOn(address)).orElse(null));
    }

    int count(String sql, String value) {
        return store.inTransaction(s -> {
            try (PreparedStatement ps = s.connection().prepareStatement(sql)) {
                ps.setString(1, value);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    @Test
    void aPersonIsErasedFromEveryTableWithTheCustomersMergedIntoThemAndOthersAreLeftAsTheyWere() throws Exception {
        ChannelAddress visitor = new ChannelAddress("webchat", "v-erase-me");
        ChannelAddress phone = new ChannelAddress("sms", "+8613800138000");
        ChannelAddress other = new ChannelAddress("webchat", "v-stays");
        put(says(visitor, "我的手机号是 13800138000"));
        put(says(phone, "短信也是我"));
        put(says(other, "我不删除"));
        Conversation chat = conversationOn(visitor);
        Conversation sms = conversationOn(phone);
        Conversation stays = conversationOn(other);
        desk.reply(chat.id(), "alice", "收到，王先生", "r-erase-1", null);
        Directory directory = new Directory(store, bus, json, () -> List.of(channelTables));
        directory.merge(sms.customerId(), chat.customerId(), "admin", "same person");

        directory.erase(chat.customerId(), "admin");

        assertEquals(1, asked.size(), "every bundle's part is asked once");
        CustomerErasure person = asked.get(0);
        assertEquals(List.of(chat.customerId(), sms.customerId()).stream().sorted().toList(),
                person.customerIds().stream().sorted().toList(), "the merged customer goes with the survivor");
        assertTrue(person.addresses().containsAll(List.of(visitor, phone)), person.addresses().toString());
        assertTrue(person.conversationIds().containsAll(List.of(chat.id(), sms.id())), person.conversationIds().toString());
        for (String customer : person.customerIds()) {
            assertEquals(0, count("SELECT COUNT(*) FROM sb_customer WHERE id = ?", customer));
            assertEquals(0, count("SELECT COUNT(*) FROM sb_channel_address WHERE customer_id = ?", customer));
            assertEquals(0, count("SELECT COUNT(*) FROM sb_timeline_event WHERE customer_id = ?", customer));
            assertEquals(0, count("SELECT COUNT(*) FROM sb_identity_change WHERE customer_id = ?", customer));
            assertEquals(0, count("SELECT COUNT(*) FROM sb_identity_change WHERE other_customer_id = ?", customer));
            assertEquals(0, count("SELECT COUNT(*) FROM sb_message WHERE customer_id = ?", customer));
        }
        for (String conversation : List.of(chat.id(), sms.id())) {
            assertEquals(0, count("SELECT COUNT(*) FROM sb_conversation WHERE id = ?", conversation));
            assertEquals(0, count("SELECT COUNT(*) FROM sb_message WHERE conversation_id = ?", conversation));
            assertEquals(0, count("SELECT COUNT(*) FROM sb_outbox WHERE body LIKE ?", "%" + conversation + "%"));
        }
        assertThrows(NoSuchElementException.class, () -> directory.customer(chat.customerId()));
        assertEquals(1, count("SELECT COUNT(*) FROM sb_erasure WHERE customer_id = ? AND operator = 'admin'", chat.customerId()),
                "the erasure is recorded");

        assertEquals(1, count("SELECT COUNT(*) FROM sb_customer WHERE id = ?", stays.customerId()));
        assertEquals(1, count("SELECT COUNT(*) FROM sb_message WHERE conversation_id = ?", stays.id()));
    }

    @Test
    void aBundleThatCannotEraseItsPartLeavesThePersonWhole() throws Exception {
        ChannelAddress visitor = new ChannelAddress("webchat", "v-half");
        put(says(visitor, "你好"));
        Conversation chat = conversationOn(visitor);
        Directory directory = new Directory(store, bus, json, () -> List.of(channelTables, (s, person) -> {
            throw new SQLException("the channel's table is locked");
        }));

        assertThrows(RuntimeException.class, () -> directory.erase(chat.customerId(), "admin"));

        assertEquals(1, count("SELECT COUNT(*) FROM sb_customer WHERE id = ?", chat.customerId()));
        assertEquals(1, count("SELECT COUNT(*) FROM sb_message WHERE conversation_id = ?", chat.id()));
        assertEquals(0, count("SELECT COUNT(*) FROM sb_erasure WHERE customer_id = ?", chat.customerId()));
    }

    /** The groups of what waits in {@code queue}, in order, without taking any. */
    List<String> groupsIn(String queue) throws JMSException {
        return TestBroker.browse(bus.connectionFactory(), queue, BusAddress.GROUP_ID);
    }

    /**
     * A reply no channel has sent yet (no web chat here to take it) and what was dead-lettered of the person,
     * grouped by their conversation or, before it, by their address: gone with them; another's stay.
     */
    @Test
    void thePersonsMessagesWaitingInTheBrokerGoWithThemAndOthersStay() throws Exception {
        ChannelAddress visitor = new ChannelAddress("webchat", "v-queued");
        ChannelAddress other = new ChannelAddress("webchat", "v-queued-other");
        put(says(visitor, "我的地址是幸福路 8 号"));
        put(says(other, "我不删除"));
        Conversation chat = conversationOn(visitor);
        Conversation stays = conversationOn(other);
        desk.reply(chat.id(), "alice", "收到，王先生", "r-queued-1", null);
        desk.reply(stays.id(), "alice", "收到", "r-queued-2", null);
        String outbound = BusAddress.outbound("webchat");
        await(() -> broker.messageCount(outbound) == 2 ? true : null);
        String dead = BusAddress.deadLetter(BusAddress.INBOUND);
        bus.send(dead, "{}", Map.of(BusAddress.GROUP_ID, visitor.toString()));
        bus.send(dead, "{}", Map.of(BusAddress.GROUP_ID, chat.id()));
        bus.send(dead, "{}", Map.of(BusAddress.GROUP_ID, other.toString()));
        Directory directory = new Directory(store, bus, json, () -> List.of(channelTables));

        directory.erase(chat.customerId(), "admin");

        assertEquals(List.of(stays.id()), groupsIn(outbound));
        assertEquals(List.of(other.toString()), groupsIn(dead));
    }

    @Test
    void aBrokerThatCannotBeAskedLeavesThePersonWhole() throws Exception {
        ChannelAddress visitor = new ChannelAddress("webchat", "v-no-broker");
        put(says(visitor, "你好"));
        Conversation chat = conversationOn(visitor);
        ArtemisBus nowhere = ArtemisBus.connect("amqp://127.0.0.1:" + TestBroker.freePort() + "?amqp.idleTimeout=0", "test", "test");
        try {
            Directory directory = new Directory(store, nowhere, json, () -> List.of(channelTables));

            assertThrows(BusUnavailableException.class, () -> directory.erase(chat.customerId(), "admin"));
        } finally {
            nowhere.deactivate();
        }
        assertTrue(asked.isEmpty(), "no bundle was asked to erase its part");
        assertEquals(1, count("SELECT COUNT(*) FROM sb_customer WHERE id = ?", chat.customerId()));
        assertEquals(1, count("SELECT COUNT(*) FROM sb_message WHERE conversation_id = ?", chat.id()));
        assertEquals(0, count("SELECT COUNT(*) FROM sb_erasure WHERE customer_id = ?", chat.customerId()));
    }

    @Test
    void erasingNobodyIsNotFound() {
        Directory directory = new Directory(store, bus, json, () -> List.of(channelTables));
        assertThrows(NoSuchElementException.class, () -> directory.erase("no-such-customer", "admin"));
        assertTrue(asked.isEmpty());
    }
}
