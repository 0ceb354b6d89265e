package io.switchboard.channel.webchat.internal;

import io.switchboard.store.CustomerErasure;
import io.switchboard.store.PersonalData;
import io.switchboard.store.StoreSession;
import java.sql.SQLException;

/** What web chat keeps of a person: their visitor ids (a visitor's only credential) and the replies sent to them. */
final class VisitorData implements PersonalData {

    @Override
    public void erase(StoreSession s, CustomerErasure person) throws SQLException {
        PersonalData.deleteEach(s, "DELETE FROM webchat_delivery WHERE visitor_id = ?", person.addressesOn("webchat"));
        PersonalData.deleteEach(s, "DELETE FROM webchat_visitor WHERE visitor_id = ?", person.addressesOn("webchat"));
        PersonalData.deleteEach(s, "DELETE FROM webchat_visitor WHERE conversation_id = ?", person.conversationIds());
    }
}
