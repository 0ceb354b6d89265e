package io.switchboard.bot.internal;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A text as the matcher sees it: Chinese (and Japanese, Korean) one character per token, other
 * scripts one lower-cased word per token. Chinese is written without spaces and no segmenter on
 * Maven Central is an OSGi bundle, so words are approximated by character bigrams: "我想退款" has
 * the bigram 退款 that the keyword 退款 consists of, without knowing where its words start.
 *
 * <p>Text is NFKC-normalised first, so full-width letters, digits and punctuation (ＶＩＰ，１２３)
 * are the ordinary ones.
 */
final class Tokens {

    /**
     * One character (CJK) or one word; {@code run} changes at punctuation, at a change of script and
     * at spaces between words, not at spaces between Chinese characters.
     */
    record Token(String text, boolean cjk, int run) {
    }

    /**
     * Characters and words that carry no topic: they do not count towards how much of a question an
     * article explains, and a title's bigram made of two of them ("怎么", "我的") is not evidence.
     */
    private static final Set<String> STOP_CHARACTERS = Set.of(
            "的", "了", "吗", "嘛", "呢", "吧", "啊", "呀", "哦", "嗯", "哈", "么", "我", "你", "您", "他", "她", "它",
            "们", "是", "在", "有", "和", "与", "及", "就", "都", "也", "还", "又", "想", "要", "请", "问", "能", "会",
            "可", "以", "怎", "什", "如", "何", "为", "这", "那", "哪", "个", "些", "一", "下", "把", "被", "给", "让",
            "从", "到", "说", "啦", "样", "办", "很", "太", "好", "不", "没", "里", "多", "少", "谢", "麻", "烦", "帮",
            "忙", "该", "得", "着", "过", "啥", "咋", "嗨");

    private static final Set<String> STOP_WORDS = Set.of(
            "a", "an", "the", "i", "me", "my", "mine", "we", "us", "our", "you", "your", "he", "she", "it", "its",
            "they", "them", "their", "is", "are", "was", "were", "be", "been", "am", "do", "doe", "did", "done",
            "have", "has", "had", "can", "could", "would", "should", "will", "shall", "may", "might", "must", "to",
            "of", "in", "on", "at", "for", "from", "by", "with", "about", "as", "into", "and", "or", "but", "if",
            "so", "not", "no", "yes", "please", "pls", "hi", "hello", "hey", "there", "this", "that", "these",
            "those", "what", "which", "who", "how", "when", "where", "why", "want", "wanna", "need", "get", "got",
            "some", "any", "just", "like", "know", "tell", "help", "thank", "thanks", "ok", "okay", "u", "im", "s",
            "t", "d", "ll", "m", "re", "ve", "don", "doesn", "didn", "isn", "aren", "wasn", "can't", "cannot",
            "let", "still", "again", "now", "today", "also");

    private final List<Token> tokens;

    private Tokens(List<Token> tokens) {
        this.tokens = tokens;
    }

    static Tokens of(String text) {
        List<Token> tokens = new ArrayList<>();
        if (text == null) {
            return new Tokens(tokens);
        }
        String s = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        StringBuilder word = new StringBuilder();
        int run = 0;
        boolean lastWasCjk = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (isCjk(cp)) {
                if (word.length() > 0) {
                    tokens.add(new Token(stem(word.toString()), false, run));
                    word.setLength(0);
                    run++;
                } else if (!lastWasCjk) {
                    run++;
                }
                tokens.add(new Token(new String(Character.toChars(cp)), true, run));
                lastWasCjk = true;
            } else if (Character.isLetterOrDigit(cp) || (Character.getType(cp) == Character.NON_SPACING_MARK && word.length() > 0)) {
                if (lastWasCjk) {
                    run++;
                    lastWasCjk = false;
                }
                word.appendCodePoint(cp);
            } else if (lastWasCjk && Character.isWhitespace(cp)) {
                // "退 款": Chinese has no spaces between words, so one typed inside a word is noise
                continue;
            } else {
                if (word.length() > 0) {
                    tokens.add(new Token(stem(word.toString()), false, run));
                    word.setLength(0);
                }
                run++;
                lastWasCjk = false;
            }
        }
        if (word.length() > 0) {
            tokens.add(new Token(stem(word.toString()), false, run));
        }
        return new Tokens(List.copyOf(tokens));
    }

    static boolean isCjk(int codePoint) {
        Character.UnicodeScript script = Character.UnicodeScript.of(codePoint);
        return script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
                || script == Character.UnicodeScript.KATAKANA || script == Character.UnicodeScript.HANGUL;
    }

    /** Plurals only ("refunds", "addresses", "deliveries"): the rest is what synonyms are for. */
    static String stem(String word) {
        int n = word.length();
        if (n > 4 && word.endsWith("ies")) {
            return word.substring(0, n - 3) + "y";
        }
        if (n > 4 && (word.endsWith("sses") || word.endsWith("xes") || word.endsWith("ches") || word.endsWith("shes"))) {
            return word.substring(0, n - 2);
        }
        if (n > 3 && word.endsWith("s") && !word.endsWith("ss") && !word.endsWith("us") && !word.endsWith("is")) {
            return word.substring(0, n - 1);
        }
        return word;
    }

    List<Token> list() {
        return tokens;
    }

    int size() {
        return tokens.size();
    }

    Token get(int i) {
        return tokens.get(i);
    }

    boolean isEmpty() {
        return tokens.isEmpty();
    }

    /** Whether the token at {@code i} and the next one form a CJK bigram. */
    boolean pairsWithNext(int i) {
        return i + 1 < tokens.size() && tokens.get(i).cjk() && tokens.get(i + 1).cjk()
                && tokens.get(i).run() == tokens.get(i + 1).run();
    }

    /** Whether the CJK token at {@code i} stands alone between non-CJK text or separators. */
    boolean isLoneCjk(int i) {
        Token t = tokens.get(i);
        return t.cjk() && (i == 0 || !pairsWithNext(i - 1)) && !pairsWithNext(i);
    }

    /**
     * What a curated term (a keyword, a synonym, a title) must be found as: the bigrams of its CJK
     * runs, a lone CJK character as itself, and its words.
     */
    Set<String> termFeatures() {
        Set<String> features = new LinkedHashSet<>();
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (!t.cjk()) {
                features.add(t.text());
            } else if (pairsWithNext(i)) {
                features.add(t.text() + tokens.get(i + 1).text());
            } else if (isLoneCjk(i)) {
                features.add(t.text());
            }
        }
        return features;
    }

    /** What a question offers to match: every CJK character and bigram, and every word. */
    Set<String> questionFeatures() {
        Set<String> features = new LinkedHashSet<>();
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            features.add(t.text());
            if (pairsWithNext(i)) {
                features.add(t.text() + tokens.get(i + 1).text());
            }
        }
        return features;
    }

    static boolean isStop(Token t) {
        return t.cjk() ? STOP_CHARACTERS.contains(t.text()) : STOP_WORDS.contains(t.text());
    }

    /** A feature made only of stop characters or a stop word. */
    static boolean isStopFeature(String feature) {
        if (STOP_WORDS.contains(feature)) {
            return true;
        }
        if (feature.isEmpty() || !isCjk(feature.codePointAt(0))) {
            return false;
        }
        return feature.codePoints().allMatch(cp -> STOP_CHARACTERS.contains(new String(Character.toChars(cp))));
    }

    /** zh if the text has a Chinese (CJK) content token, en if it has only other content, null if neither. */
    String language() {
        String language = null;
        for (Token t : tokens) {
            if (isStop(t)) {
                continue;
            }
            if (t.cjk()) {
                return "zh";
            }
            language = "en";
        }
        return language;
    }

    /**
     * Where {@code phrase}'s tokens occur contiguously (spaces and punctuation between them do not
     * matter): "转 人工" and "转人工" both contain 转人工.
     */
    List<Integer> occurrences(Tokens phrase) {
        List<Integer> at = new ArrayList<>();
        int n = phrase.size();
        if (n == 0) {
            return at;
        }
        outer:
        for (int i = 0; i + n <= tokens.size(); i++) {
            for (int j = 0; j < n; j++) {
                if (!tokens.get(i + j).text().equals(phrase.get(j).text())) {
                    continue outer;
                }
            }
            at.add(i);
        }
        return at;
    }

    @Override
    public String toString() {
        return tokens.stream().map(Token::text).toList().toString();
    }
}
