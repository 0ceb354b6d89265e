package io.switchboard.bot.internal;

import io.switchboard.store.CustomerErasure;
import io.switchboard.store.PersonalData;
import io.switchboard.store.StoreSession;
import java.sql.SQLException;
import java.util.List;

/** What the bot keeps of a person: its dialogues with them, with the facts they gave (an order number, a phone). */
final class DialogueData implements PersonalData {

    @Override
    public void erase(StoreSession s, CustomerErasure person) throws SQLException {
        PersonalData.deleteEach(s, "DELETE FROM bot_dialogue WHERE conversation_id = ?", person.conversationIds());
    }

    @Override
    public void expire(StoreSession s, List<String> conversationIds) throws SQLException {
        PersonalData.deleteEach(s, "DELETE FROM bot_dialogue WHERE conversation_id = ?", conversationIds);
    }
}
