package io.switchboard.kpis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.api.Ids;
import io.switchboard.store.StoreSession;
import io.switchboard.store.internal.JdbcStore;
import io.switchboard.testkit.TestDatabase;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Complaints of a conversation past the retention period go, but one counted in an incident still
 * open, whose customer is told when it closes: that one only forgets its conversation.
 */
class ComplaintDataTest {

    TestDatabase db;
    JdbcStore store;

    @BeforeEach
    void start() {
        db = TestDatabase.h2();
        store = new JdbcStore(db.dataSource());
        store.migrate(KpiService.CHANGELOG, getClass().getClassLoader());
    }

    @AfterEach
    void stop() {
        db.close();
    }

    void incident(StoreSession s, String id, boolean open) throws SQLException {
        try (PreparedStatement ps = s.connection().prepareStatement("INSERT INTO kpi_incident (id, number, area, open_area,"
                + " opened_at, closed_at) VALUES (?, ?, '朝阳区', ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, "INC-" + id.substring(0, 6));
            ps.setString(3, open ? "朝阳区" : null);
            ps.setObject(4, Instant.now().atOffset(ZoneOffset.UTC));
            ps.setObject(5, open ? null : Instant.now().atOffset(ZoneOffset.UTC));
            ps.executeUpdate();
        }
    }

    /** @return the complaint's message id */
    String complaint(StoreSession s, String conversationId, String incidentId) throws SQLException {
        String messageId = Ids.newId();
        try (PreparedStatement ps = s.connection().prepareStatement("INSERT INTO kpi_complaint (message_id, customer_id,"
                + " conversation_id, channel, area, received_at, incident_id) VALUES (?, 'cust-1', ?, 'sms', '朝阳区', ?, ?)")) {
            ps.setString(1, messageId);
            ps.setString(2, conversationId);
            ps.setObject(3, Instant.now().atOffset(ZoneOffset.UTC));
            ps.setString(4, incidentId);
            ps.executeUpdate();
        }
        return messageId;
    }

    /** Each complaint still there, as message id → conversation id. */
    List<String> complaints() {
        return store.inTransaction(s -> {
            List<String> rows = new ArrayList<>();
            try (PreparedStatement ps = s.connection().prepareStatement(
                    "SELECT message_id, conversation_id FROM kpi_complaint ORDER BY message_id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1) + "→" + rs.getString(2));
                }
            }
            return rows;
        });
    }

    @Test
    void anExpiredConversationsComplaintsGoButOneInAnOpenIncidentStaysWithoutIt() {
        String expired = Ids.newId();
        String kept = Ids.newId();
        String open = Ids.newId();
        String closed = Ids.newId();
        List<String> ids = store.inTransaction(s -> {
            incident(s, open, true);
            incident(s, closed, false);
            return List.of(complaint(s, expired, null), complaint(s, expired, closed), complaint(s, expired, open),
                    complaint(s, kept, open));
        });

        store.inTransaction(s -> {
            new ComplaintData().expire(s, List.of(expired));
            return null;
        });

        assertEquals(List.of(ids.get(2) + "→null", ids.get(3) + "→" + kept).stream().sorted().toList(), complaints());
    }
}
