package io.switchboard.channel.app.internal;

import io.switchboard.api.CanonicalJson;
import io.switchboard.store.CustomerErasure;
import io.switchboard.store.PersonalData;
import io.switchboard.store.StoreSession;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the in-app channel keeps of a person: their devices and the frames sent to them; of a
 * conversation: what the replies sent in it said.
 */
final class DeviceData implements PersonalData {

    private final CanonicalJson json = new CanonicalJson();

    @Override
    public void erase(StoreSession s, CustomerErasure person) throws SQLException {
        PersonalData.deleteEach(s, "DELETE FROM app_delivery WHERE address = ?", person.addressesOn(Lines.CHANNEL));
        PersonalData.deleteEach(s, "DELETE FROM app_device WHERE address = ?", person.addressesOn(Lines.CHANNEL));
    }

    /**
     * Empties the replies rather than deleting them: a device counts the replies to its user 1, 2, 3…
     * without gaps and takes a gap for a lost connection, so their numbers stay, each still a reply.
     */
    @Override
    public void expire(StoreSession s, List<String> conversationIds) throws SQLException {
        record Reply(String address, long seq, String messageId) {
        }
        List<Reply> replies = new ArrayList<>();
        try (PreparedStatement ps = s.connection().prepareStatement("SELECT address, seq, message_id FROM app_delivery"
                + " WHERE message_id IN (SELECT id FROM sb_message WHERE conversation_id = ?)")) {
            for (String conversationId : conversationIds) {
                ps.setString(1, conversationId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        replies.add(new Reply(rs.getString(1), rs.getLong(2), rs.getString(3)));
                    }
                }
            }
        }
        if (replies.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = s.connection().prepareStatement("UPDATE app_delivery SET frame = ? WHERE address = ? AND seq = ?")) {
            for (Reply r : replies) {
                ps.setString(1, json.toJson(Frames.ToDevice.message(r.seq(), r.messageId(), null, null, "")));
                ps.setString(2, r.address());
                ps.setLong(3, r.seq());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
