package io.switchboard.channel.webchat.internal;

import io.switchboard.store.CustomerErasure;
import io.switchboard.store.PersonalData;
import io.switchboard.store.StoreSession;
import java.sql.SQLException;
import java.util.List;

/**
 * What web chat keeps of a person: their visitor ids (a visitor's only credential) and the replies sent to them;
 * of a conversation: its replies, and its visitor's link to it.
 */
final class VisitorData implements PersonalData {

    @Override
    public void erase(StoreSession s, CustomerErasure person) throws SQLException {
        PersonalData.deleteEach(s, "DELETE FROM webchat_delivery WHERE visitor_id = ?", person.addressesOn("webchat"));
        PersonalData.deleteEach(s, "DELETE FROM webchat_visitor WHERE visitor_id = ?", person.addressesOn("webchat"));
        PersonalData.deleteEach(s, "DELETE FROM webchat_visitor WHERE conversation_id = ?", person.conversationIds());
    }

    @Override
    public void expire(StoreSession s, List<String> conversationIds) throws SQLException {
        PersonalData.deleteEach(s, "DELETE FROM webchat_delivery WHERE message_id IN "
                + "(SELECT id FROM sb_message WHERE conversation_id = ?)", conversationIds);
        // the visitor id stays with its customer; their next message opens a new conversation, as after a close
        PersonalData.deleteEach(s, "DELETE FROM webchat_visitor WHERE conversation_id = ?", conversationIds);
    }
}
