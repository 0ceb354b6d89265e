package io.switchboard.bot.internal;

import io.switchboard.api.CanonicalJson;
import io.switchboard.bot.Dialogue;
import io.switchboard.store.Store;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Skills' dialogues in progress ({@code bot_dialogue}), one per conversation, so a dialogue survives
 * a restart and any node takes its next message. Only the conversation and the skill are kept here;
 * the customer and address come with each message.
 */
final class Dialogues {

    /** A dialogue as stored: which skill, what it knows, how many turns it took. */
    record Stored(String skill, Map<String, String> facts, int turns) {
    }

    private final Store store;
    private final CanonicalJson json;

    Dialogues(Store store, CanonicalJson json) {
        this.store = store;
        this.json = json;
    }

    Optional<Stored> of(String conversationId) {
        return store.inTransaction(s -> {
            try (PreparedStatement ps = s.connection().prepareStatement(
                    "SELECT skill, facts, turns FROM bot_dialogue WHERE conversation_id = ?")) {
                ps.setString(1, conversationId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new Stored(rs.getString(1), facts(rs.getString(2)), rs.getInt(3)))
                            : Optional.<Stored>empty();
                }
            }
        });
    }

    void save(Dialogue dialogue, Map<String, String> facts, Instant now) {
        String text = json.toJson(new LinkedHashMap<>(facts));
        store.inTransaction(s -> {
            try (PreparedStatement update = s.connection().prepareStatement(
                    "UPDATE bot_dialogue SET skill = ?, facts = ?, turns = ?, updated_at = ? WHERE conversation_id = ?")) {
                update.setString(1, dialogue.skill());
                update.setString(2, text);
                update.setInt(3, dialogue.turns() + 1);
                update.setTimestamp(4, Timestamp.from(now));
                update.setString(5, dialogue.conversationId());
                if (update.executeUpdate() == 1) {
                    return null;
                }
            }
            try (PreparedStatement insert = s.connection().prepareStatement("INSERT INTO bot_dialogue"
                    + " (conversation_id, skill, facts, turns, started_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, dialogue.conversationId());
                insert.setString(2, dialogue.skill());
                insert.setString(3, text);
                insert.setInt(4, dialogue.turns() + 1);
                insert.setTimestamp(5, Timestamp.from(now));
                insert.setTimestamp(6, Timestamp.from(now));
                insert.executeUpdate();
            }
            return null;
        });
    }

    void end(String conversationId) {
        store.inTransaction(s -> {
            try (PreparedStatement ps = s.connection().prepareStatement("DELETE FROM bot_dialogue WHERE conversation_id = ?")) {
                ps.setString(1, conversationId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @SuppressWarnings("unchecked")
    private Map<String, String> facts(String text) {
        Map<String, Object> raw = json.fromJson(text, Map.class);
        Map<String, String> facts = new LinkedHashMap<>();
        raw.forEach((k, v) -> facts.put(k, v == null ? null : v.toString()));
        return facts;
    }
}
