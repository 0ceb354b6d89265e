package io.switchboard.channel.sms.internal;

import io.switchboard.store.CustomerErasure;
import io.switchboard.store.PersonalData;
import io.switchboard.store.StoreSession;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the SMS channel keeps of a person: texts to them and their receipts, and parts of long texts from them;
 * of a conversation: the texts sent in it and their receipts.
 */
final class PhoneData implements PersonalData {

    @Override
    public void erase(StoreSession s, CustomerErasure person) throws SQLException {
        PersonalData.deleteEach(s, "DELETE FROM sms_submit WHERE message_id IN "
                + "(SELECT message_id FROM sms_outbound WHERE conversation_id = ?)", person.conversationIds());
        PersonalData.deleteEach(s, "DELETE FROM sms_outbound WHERE conversation_id = ?", person.conversationIds());
        List<String> phones = new ArrayList<>(person.addressesOn("sms"));
        // an SMSC may give the sender with or without the plus
        person.addressesOn("sms").stream().filter(p -> p.startsWith("+")).forEach(p -> phones.add(p.substring(1)));
        PersonalData.deleteEach(s, "DELETE FROM sms_submit WHERE message_id IN "
                + "(SELECT message_id FROM sms_outbound WHERE address = ?)", phones);
        PersonalData.deleteEach(s, "DELETE FROM sms_outbound WHERE address = ?", phones);
        PersonalData.deleteEach(s, "DELETE FROM sms_part WHERE set_id IN (SELECT set_id FROM sms_concat WHERE source = ?)", phones);
        PersonalData.deleteEach(s, "DELETE FROM sms_concat WHERE source = ?", phones);
    }

    @Override
    public void expire(StoreSession s, List<String> conversationIds) throws SQLException {
        PersonalData.deleteEach(s, "DELETE FROM sms_submit WHERE message_id IN "
                + "(SELECT message_id FROM sms_outbound WHERE conversation_id = ?)", conversationIds);
        PersonalData.deleteEach(s, "DELETE FROM sms_outbound WHERE conversation_id = ?", conversationIds);
    }
}
