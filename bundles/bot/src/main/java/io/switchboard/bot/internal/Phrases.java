package io.switchboard.bot.internal;

import java.util.List;

/**
 * A configured list of phrases (转人工, real person, 你好) found in a message token by token, so
 * spacing, punctuation, case and full-width letters do not matter, and a Latin phrase is found as
 * whole words only ("agent" in "agents", not in "agentur").
 */
final class Phrases {

    private final List<String> texts;
    private final List<Tokens> phrases;

    private Phrases(List<String> texts) {
        this.texts = texts;
        this.phrases = texts.stream().map(Tokens::of).filter(t -> !t.isEmpty()).toList();
    }

    /** From a comma-separated list (ASCII or Chinese commas, 、 or semicolons). */
    static Phrases parse(String list) {
        return new Phrases(list == null ? List.of() : Article.splitGroup(list));
    }

    List<String> texts() {
        return texts;
    }

    boolean foundIn(Tokens message) {
        return phrases.stream().anyMatch(p -> !message.occurrences(p).isEmpty());
    }

    /** Marks the tokens of {@code message} that belong to one of the phrases. */
    void mark(Tokens message, boolean[] covered) {
        for (Tokens p : phrases) {
            for (int at : message.occurrences(p)) {
                for (int j = 0; j < p.size(); j++) {
                    covered[at + j] = true;
                }
            }
        }
    }

    /**
     * Whether {@code message} says nothing but these phrases and stop words: "你好！", "在吗？转人工",
     * and not "你好，我想退款".
     */
    static boolean saysOnly(Tokens message, Phrases... phrases) {
        boolean[] covered = new boolean[message.size()];
        for (Phrases p : phrases) {
            p.mark(message, covered);
        }
        for (int i = 0; i < message.size(); i++) {
            if (!covered[i] && !Tokens.isStop(message.get(i))) {
                return false;
            }
        }
        return true;
    }
}
