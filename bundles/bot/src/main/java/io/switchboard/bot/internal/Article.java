package io.switchboard.bot.internal;

import io.switchboard.api.QueuedConversation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One entry of the knowledge base: what the bot answers ({@code answer}) to questions about
 * {@code keywords}. Each entry of {@code synonyms} is a group of interchangeable words
 * ("退款,退钱,refund"); a group sharing a word with a keyword widens that keyword, any other group
 * is a keyword of its own. {@code skills} ({@code name} or {@code name:level}), if any, are what the
 * conversation is handed to a human with when the customer asks for one about this topic.
 * {@code enabled} null means true on input.
 */
public record Article(String id, String title, String answer, List<String> keywords, List<String> synonyms,
                      List<String> skills, String language, Boolean enabled, Instant updatedAt) {

    static final String ID_PATTERN = "[A-Za-z0-9._:-]{1,40}";
    static final int MAX_TITLE = 200;
    static final int MAX_ANSWER = 10_000;
    static final int MAX_TERMS = 100;
    static final int MAX_TERM = 100;
    static final int MAX_GROUP = 500;
    /** What separates the words of a synonym group: ASCII and Chinese commas, 、 and semicolons. */
    static final Pattern GROUP_SEPARATOR = Pattern.compile("[,，、;；]");
    private static final Set<String> LANGUAGES = Set.of("zh", "en");

    public Article {
        keywords = keywords == null ? List.of() : List.copyOf(keywords);
        synonyms = synonyms == null ? List.of() : List.copyOf(synonyms);
        skills = skills == null ? List.of() : List.copyOf(skills);
    }

    boolean isEnabled() {
        return enabled == null || enabled;
    }

    /** The words of each synonym group. */
    List<List<String>> synonymGroups() {
        return synonyms.stream().map(Article::splitGroup).toList();
    }

    static List<String> splitGroup(String group) {
        Set<String> words = new LinkedHashSet<>();
        for (String w : GROUP_SEPARATOR.split(group)) {
            String s = w.strip();
            if (!s.isEmpty()) {
                words.add(s);
            }
        }
        return List.copyOf(words);
    }

    /**
     * The article as it is stored: trimmed, synonym groups in one spelling, the language guessed from
     * the title when not given.
     *
     * @throws IllegalArgumentException saying what is wrong, for a 400
     */
    Article validated(String id, Instant now) {
        if (id == null || !id.matches(ID_PATTERN)) {
            throw new IllegalArgumentException("id must be 1-40 letters, digits or . _ : -");
        }
        String t = required(title, "title", MAX_TITLE);
        String a = required(answer, "answer", MAX_ANSWER);
        List<String> k = terms(keywords, "keywords");
        if (k.isEmpty()) {
            throw new IllegalArgumentException("keywords: at least one keyword is required");
        }
        if (synonyms.size() > MAX_TERMS) {
            throw new IllegalArgumentException("synonyms: at most " + MAX_TERMS + " groups");
        }
        List<String> groups = new ArrayList<>();
        for (String g : synonyms) {
            if (g == null || g.length() > MAX_GROUP || g.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("synonyms: each group is one line of at most " + MAX_GROUP + " characters");
            }
            List<String> words = splitGroup(g);
            if (words.size() < 2) {
                throw new IllegalArgumentException("synonyms: a group names two or more words separated by commas: " + g);
            }
            if (words.stream().anyMatch(w -> Tokens.of(w).isEmpty())) {
                throw new IllegalArgumentException("synonyms: every word needs a letter, digit or Chinese character: " + g);
            }
            groups.add(String.join(",", words));
        }
        List<String> s = terms(skills, "skills");
        try {
            QueuedConversation.parseSkills(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("skills: each is name or name:level (" + e.getMessage() + ")");
        }
        String lang = language == null || language.isBlank() ? guessLanguage(t) : language.strip().toLowerCase(java.util.Locale.ROOT);
        if (!LANGUAGES.contains(lang)) {
            throw new IllegalArgumentException("language must be zh or en");
        }
        return new Article(id, t, a, k, List.copyOf(groups), s, lang, isEnabled(), now);
    }

    private static String required(String value, String name, int max) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
        String v = value.strip();
        if (v.length() > max) {
            throw new IllegalArgumentException(name + " is longer than " + max + " characters");
        }
        return v;
    }

    private static List<String> terms(List<String> values, String name) {
        if (values.size() > MAX_TERMS) {
            throw new IllegalArgumentException(name + ": at most " + MAX_TERMS);
        }
        Set<String> result = new LinkedHashSet<>();
        for (String v : values) {
            if (v == null || v.isBlank()) {
                throw new IllegalArgumentException(name + ": entries must not be blank");
            }
            String s = v.strip();
            if (s.length() > MAX_TERM || s.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException(name + ": each is one line of at most " + MAX_TERM + " characters");
            }
            if (Tokens.of(s).isEmpty()) {
                throw new IllegalArgumentException(name + ": needs a letter, digit or Chinese character: " + s);
            }
            result.add(s);
        }
        return List.copyOf(result);
    }

    private static String guessLanguage(String title) {
        return title.codePoints().anyMatch(Tokens::isCjk) ? "zh" : "en";
    }
}
