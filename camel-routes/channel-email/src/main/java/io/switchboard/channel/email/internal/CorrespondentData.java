package io.switchboard.channel.email.internal;

import io.switchboard.store.CustomerErasure;
import io.switchboard.store.PersonalData;
import io.switchboard.store.StoreSession;
import java.sql.SQLException;

/** What the email channel keeps of a person: their threads, the mails sent to them and their attachments. */
final class CorrespondentData implements PersonalData {

    @Override
    public void erase(StoreSession s, CustomerErasure person) throws SQLException {
        // attachments belong to the person's messages, which the core deletes after this
        PersonalData.deleteEach(s, "DELETE FROM email_attachment WHERE message_id IN "
                + "(SELECT id FROM sb_message WHERE conversation_id = ?)", person.conversationIds());
        PersonalData.deleteEach(s, "DELETE FROM email_sent WHERE conversation_id = ?", person.conversationIds());
        PersonalData.deleteEach(s, "DELETE FROM email_sent WHERE address = ?", person.addressesOn("email"));
        PersonalData.deleteEach(s, "DELETE FROM email_correspondent WHERE address = ?", person.addressesOn("email"));
    }
}
