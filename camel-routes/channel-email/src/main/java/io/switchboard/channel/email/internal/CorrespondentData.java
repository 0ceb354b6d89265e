package io.switchboard.channel.email.internal;

import io.switchboard.store.CustomerErasure;
import io.switchboard.store.PersonalData;
import io.switchboard.store.StoreSession;
import java.sql.SQLException;
import java.util.List;

/**
 * What the email channel keeps of a person: their threads, the mails sent to them and their attachments; of a
 * conversation: its attachments, the mails sent in it and, if it holds the last mail they wrote, that mail's subject.
 */
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

    @Override
    public void expire(StoreSession s, List<String> conversationIds) throws SQLException {
        PersonalData.deleteEach(s, "DELETE FROM email_attachment WHERE message_id IN "
                + "(SELECT id FROM sb_message WHERE conversation_id = ?)", conversationIds);
        PersonalData.deleteEach(s, "DELETE FROM email_sent WHERE conversation_id = ?", conversationIds);
        // a later mail of theirs has replaced the row; if none has, our next answer to them starts a new thread
        PersonalData.deleteEach(s, "DELETE FROM email_correspondent WHERE EXISTS (SELECT 1 FROM sb_message m"
                + " WHERE m.conversation_id = ? AND m.channel = 'email' AND m.address = email_correspondent.address"
                + " AND m.channel_message_id = email_correspondent.mail_id)", conversationIds);
    }
}
