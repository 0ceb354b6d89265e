package io.switchboard.bot.internal;

import io.switchboard.store.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The articles, in the bot's table {@code bot_article}. The bot matches every message against all
 * enabled articles; the compiled {@link Matcher} is kept until the table changes (its row count or
 * latest change differ), which a cheap query tells, so an edit made by any means is seen at the
 * next message.
 */
final class KnowledgeBase {

    static final String CHANGELOG = "io/switchboard/bot/db/changelog.xml";

    private static final String COLUMNS = "id, title, answer, keywords, synonyms, skills, language, enabled, updated_at";

    private record Compiled(String version, Matcher matcher) {
    }

    private final Store store;
    private volatile Compiled compiled;

    KnowledgeBase(Store store) {
        this.store = store;
    }

    List<Article> all() {
        return store.inTransaction(s -> {
            try (PreparedStatement ps = s.connection().prepareStatement(
                    "SELECT " + COLUMNS + " FROM bot_article ORDER BY updated_at DESC, id")) {
                return readAll(ps);
            }
        });
    }

    Optional<Article> byId(String id) {
        return store.inTransaction(s -> byId(s.connection(), id));
    }

    /**
     * @throws IllegalArgumentException if the article is not valid
     * @throws IllegalStateException    if its id is taken
     */
    Article create(Article article) {
        Article a = article.validated(article.id() != null ? article.id() : io.switchboard.api.Ids.newId(), now());
        return store.inTransaction(s -> {
            if (byId(s.connection(), a.id()).isPresent()) {
                throw new IllegalStateException("article " + a.id() + " exists; PUT replaces it");
            }
            insert(s.connection(), a);
            return a;
        });
    }

    /** Creates or replaces the article {@code id}; what was stored, and whether it is new. */
    record Saved(Article article, boolean created) {
    }

    Saved put(String id, Article article) {
        if (article.id() != null && !article.id().equals(id)) {
            throw new IllegalArgumentException("the body's id " + article.id() + " is not the path's " + id);
        }
        Article a = article.validated(id, now());
        return store.inTransaction(s -> {
            try (PreparedStatement ps = s.connection().prepareStatement("UPDATE bot_article SET title = ?, answer = ?,"
                    + " keywords = ?, synonyms = ?, skills = ?, language = ?, enabled = ?, updated_at = ? WHERE id = ?")) {
                bind(ps, a, 1);
                ps.setString(9, a.id());
                if (ps.executeUpdate() == 1) {
                    return new Saved(a, false);
                }
            }
            insert(s.connection(), a);
            return new Saved(a, true);
        });
    }

    /** @throws NoSuchElementException if there is no such article */
    void delete(String id) {
        store.inTransaction(s -> {
            try (PreparedStatement ps = s.connection().prepareStatement("DELETE FROM bot_article WHERE id = ?")) {
                ps.setString(1, id);
                if (ps.executeUpdate() == 0) {
                    throw new NoSuchElementException("no article " + id);
                }
                return null;
            }
        });
    }

    /** The matcher over the enabled articles as they are now. */
    Matcher matcher() {
        return store.inTransaction(s -> {
            String version = version(s.connection());
            Compiled c = compiled;
            if (c != null && c.version().equals(version)) {
                return c.matcher();
            }
            List<Article> enabled;
            try (PreparedStatement ps = s.connection().prepareStatement(
                    "SELECT " + COLUMNS + " FROM bot_article WHERE enabled = ?")) {
                ps.setBoolean(1, true);
                enabled = readAll(ps);
            }
            Matcher m = new Matcher(enabled);
            compiled = new Compiled(version, m);
            return m;
        });
    }

    private static String version(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*), MAX(updated_at) FROM bot_article")) {
            rs.next();
            OffsetDateTime latest = rs.getObject(2, OffsetDateTime.class);
            return rs.getLong(1) + "/" + (latest == null ? "-" : latest.toInstant());
        }
    }

    private static Optional<Article> byId(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM bot_article WHERE id = ?")) {
            ps.setString(1, id);
            List<Article> found = readAll(ps);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        }
    }

    private static void insert(Connection c, Article a) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO bot_article (title, answer, keywords, synonyms,"
                + " skills, language, enabled, updated_at, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            bind(ps, a, 1);
            ps.setString(9, a.id());
            ps.executeUpdate();
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw new IllegalStateException("article " + a.id() + " was created meanwhile");
            }
            throw e;
        }
    }

    private static void bind(PreparedStatement ps, Article a, int from) throws SQLException {
        ps.setString(from, a.title());
        ps.setString(from + 1, a.answer());
        ps.setString(from + 2, lines(a.keywords()));
        ps.setString(from + 3, lines(a.synonyms()));
        ps.setString(from + 4, lines(a.skills()));
        ps.setString(from + 5, a.language());
        ps.setBoolean(from + 6, a.isEnabled());
        ps.setObject(from + 7, a.updatedAt().atOffset(ZoneOffset.UTC));
    }

    private static List<Article> readAll(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            List<Article> result = new ArrayList<>();
            while (rs.next()) {
                result.add(new Article(rs.getString("id"), rs.getString("title"), rs.getString("answer"),
                        list(rs.getString("keywords")), list(rs.getString("synonyms")), list(rs.getString("skills")),
                        rs.getString("language"), rs.getBoolean("enabled"),
                        rs.getObject("updated_at", OffsetDateTime.class).toInstant()));
            }
            return result;
        }
    }

    /** Entries never hold a line break (validation refuses control characters). */
    private static String lines(List<String> entries) {
        return entries.isEmpty() ? null : String.join("\n", entries);
    }

    private static List<String> list(String lines) {
        return lines == null || lines.isEmpty() ? List.of() : Arrays.asList(lines.split("\n"));
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
