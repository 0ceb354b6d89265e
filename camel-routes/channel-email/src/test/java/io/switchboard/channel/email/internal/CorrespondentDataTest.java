package io.switchboard.channel.email.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.api.ChannelAddress;
import io.switchboard.api.ContentPart;
import io.switchboard.api.Conversation;
import io.switchboard.api.ConversationState;
import io.switchboard.api.Direction;
import io.switchboard.api.Ids;
import io.switchboard.api.Message;
import io.switchboard.store.StoreSession;
import io.switchboard.store.internal.JdbcStore;
import io.switchboard.testkit.TestDatabase;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the e-mail channel keeps of a conversation past the retention period goes; the rest stays. */
class CorrespondentDataTest {

    TestDatabase db;
    JdbcStore store;

    @BeforeEach
    void start() {
        db = TestDatabase.h2();
        store = new JdbcStore(db.dataSource());
        store.migrate(EmailChannel.CHANGELOG, getClass().getClassLoader());
    }

    @AfterEach
    void stop() {
        db.close();
    }

    /** A conversation on {@code address} holding the customer's mail {@code mailId}; its message's id. */
    String conversationWith(StoreSession s, String conversationId, String address, String mailId) throws SQLException {
        ChannelAddress from = new ChannelAddress("email", address);
        String customer = s.customers().forAddress(from, null).id();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        s.conversations().create(new Conversation(conversationId, customer, from, ConversationState.QUEUED, List.of(), 0,
                null, now, now, now, null, null));
        Message mail = new Message(Ids.newId(), mailId, Direction.INBOUND, from, conversationId, customer, null, now,
                List.of(ContentPart.text("附件是我的身份证")), Map.of());
        s.messages().insert(mail);
        return mail.id();
    }

    void insert(StoreSession s, String sql, Object... values) throws SQLException {
        try (PreparedStatement ps = s.connection().prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                ps.setObject(i + 1, values[i]);
            }
            ps.executeUpdate();
        }
    }

    void attachmentAndAnswer(StoreSession s, String messageId, String conversationId, String address) throws SQLException {
        insert(s, "INSERT INTO email_attachment (id, message_id, name, mime_type, size, content, created_at)"
                + " VALUES (?, ?, 'id.jpg', 'image/jpeg', 3, ?, ?)", Ids.newId(), messageId, new byte[] {1, 2, 3},
                Instant.now().atOffset(ZoneOffset.UTC));
        insert(s, "INSERT INTO email_sent (mail_id, message_id, conversation_id, address, subject, status, created_at)"
                + " VALUES (?, ?, ?, ?, 'Re: 身份证', 'SENT', ?)", "<" + Ids.newId() + "@switchboard>", Ids.newId(),
                conversationId, address, Instant.now().atOffset(ZoneOffset.UTC));
    }

    void lastMail(StoreSession s, String address, String mailId) throws SQLException {
        insert(s, "INSERT INTO email_correspondent (address, subject, mail_id, refs, updated_at) VALUES (?, '身份证', ?, ?, ?)",
                address, mailId, mailId, Instant.now().atOffset(ZoneOffset.UTC));
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
    void theAttachmentsAndMailsOfAnExpiredConversationGoAndSoDoesTheLastMailIfItWasInIt() {
        String expired = Ids.newId();
        String kept = Ids.newId();
        String alsoExpired = Ids.newId();
        store.inTransaction(s -> {
            // wang's last mail is in the expired conversation
            attachmentAndAnswer(s, conversationWith(s, expired, "wang@example.cn", "<w1@example.cn>"), expired, "wang@example.cn");
            lastMail(s, "wang@example.cn", "<w1@example.cn>");
            // li wrote in an expired conversation, then again in one that stays
            conversationWith(s, alsoExpired, "li@example.cn", "<l1@example.cn>");
            attachmentAndAnswer(s, conversationWith(s, kept, "li@example.cn", "<l2@example.cn>"), kept, "li@example.cn");
            lastMail(s, "li@example.cn", "<l2@example.cn>");
            return null;
        });

        store.inTransaction(s -> {
            new CorrespondentData().expire(s, List.of(expired, alsoExpired));
            return null;
        });

        for (String conversation : List.of(expired, alsoExpired)) {
            assertEquals(0, count("SELECT COUNT(*) FROM email_attachment WHERE message_id IN"
                    + " (SELECT id FROM sb_message WHERE conversation_id = ?)", conversation));
            assertEquals(0, count("SELECT COUNT(*) FROM email_sent WHERE conversation_id = ?", conversation));
        }
        assertEquals(0, count("SELECT COUNT(*) FROM email_correspondent WHERE address = ?", "wang@example.cn"));
        assertEquals(1, count("SELECT COUNT(*) FROM email_attachment WHERE message_id IN"
                + " (SELECT id FROM sb_message WHERE conversation_id = ?)", kept));
        assertEquals(1, count("SELECT COUNT(*) FROM email_sent WHERE conversation_id = ?", kept));
        assertEquals(1, count("SELECT COUNT(*) FROM email_correspondent WHERE address = ?", "li@example.cn"),
                "li's last mail is in a conversation that stays: our next answer still threads under it");
    }
}
