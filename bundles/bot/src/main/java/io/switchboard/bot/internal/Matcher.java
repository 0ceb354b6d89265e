package io.switchboard.bot.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the article a question is about, and how sure that is (0..1).
 *
 * <p>An article's <em>topics</em> are its keywords, each widened by the synonym groups that share a
 * word with it (a group sharing none is a topic of its own). A term (keyword or synonym) is found
 * in a question when its features (CJK bigrams, lone CJK characters, words: see {@link Tokens})
 * are; all of them is a full match, at least half a partial one that counts for less (the square
 * of the share), so "改地址" still finds 修改地址 while 公司地址 does not. The confidence is then
 * <pre>
 *   evidence   = 1 - (1 - best topic) (1 - ½ min(1, other topics)) (1 - ½ title)
 *   confidence = evidence × (½ + ½ coverage) × (0.9 if the question is in the other language)
 * </pre>
 * where {@code title} is the share of the title's content bigrams and words found, and
 * {@code coverage} the share of the question's content (everything but stop characters and
 * words) that the found terms explain. A question that only mentions the topic in passing amid
 * much else is answered with less confidence than one that is about nothing else.
 */
final class Matcher {

    /** How an article matched: its confidence and the terms found (for explaining an answer). */
    record Match(Article article, double confidence, List<String> found) {
    }

    private record Term(String text, Set<String> features) {
    }

    private record Indexed(Article article, List<List<Term>> topics, Set<String> titleFeatures) {
    }

    private final List<Indexed> articles;

    Matcher(Collection<Article> articles) {
        this.articles = articles.stream().filter(Article::isEnabled).map(Matcher::index).toList();
    }

    int size() {
        return articles.size();
    }

    private static Indexed index(Article article) {
        // topics keyed by each member's token spelling, so 退款 and 退 款 are one word
        List<List<Term>> topics = new ArrayList<>();
        Map<String, List<Term>> byKey = new LinkedHashMap<>();
        for (String k : article.keywords()) {
            String key = Tokens.of(k).toString();
            if (!byKey.containsKey(key)) {
                List<Term> topic = new ArrayList<>(List.of(term(k)));
                topics.add(topic);
                byKey.put(key, topic);
            }
        }
        for (List<String> group : article.synonymGroups()) {
            List<Term> topic = null;
            for (String w : group) {
                topic = byKey.get(Tokens.of(w).toString());
                if (topic != null) {
                    break;
                }
            }
            if (topic == null) {
                topic = new ArrayList<>();
                topics.add(topic);
            }
            for (String w : group) {
                String key = Tokens.of(w).toString();
                if (!byKey.containsKey(key)) {
                    topic.add(term(w));
                    byKey.put(key, topic);
                }
            }
        }
        Set<String> title = new HashSet<>();
        for (String f : Tokens.of(article.title()).termFeatures()) {
            if (!Tokens.isStopFeature(f)) {
                title.add(f);
            }
        }
        return new Indexed(article, topics.stream().filter(t -> !t.isEmpty()).map(List::copyOf).toList(), title);
    }

    private static Term term(String text) {
        return new Term(text, Tokens.of(text).termFeatures());
    }

    /** The most likely article, if any matched at all. */
    Optional<Match> best(Tokens question) {
        List<Match> ranked = ranked(question, 1);
        return ranked.isEmpty() ? Optional.empty() : Optional.of(ranked.get(0));
    }

    /** Articles with any evidence, most likely first. */
    List<Match> ranked(Tokens question, int limit) {
        Set<String> features = question.questionFeatures();
        String language = question.language();
        record Scored(Match match, int topics, Instant updatedAt) {
        }
        List<Scored> scored = new ArrayList<>();
        for (Indexed a : articles) {
            Set<String> found = new HashSet<>();
            List<String> foundTerms = new ArrayList<>();
            List<Double> topicScores = new ArrayList<>();
            for (List<Term> topic : a.topics()) {
                double best = 0;
                Term bestTerm = null;
                for (Term t : topic) {
                    double s = score(t.features(), features);
                    if (s > best) {
                        best = s;
                        bestTerm = t;
                    }
                }
                if (bestTerm != null) {
                    topicScores.add(best);
                    foundTerms.add(bestTerm.text());
                    for (String f : bestTerm.features()) {
                        if (features.contains(f)) {
                            found.add(f);
                        }
                    }
                }
            }
            double title = 0;
            if (!a.titleFeatures().isEmpty()) {
                int hits = 0;
                for (String f : a.titleFeatures()) {
                    if (features.contains(f)) {
                        hits++;
                        found.add(f);
                    }
                }
                title = (double) hits / a.titleFeatures().size();
            }
            if (topicScores.isEmpty() && title == 0) {
                continue;
            }
            topicScores.sort(Comparator.reverseOrder());
            double best = topicScores.isEmpty() ? 0 : topicScores.get(0);
            double others = 0;
            for (int i = 1; i < topicScores.size(); i++) {
                others += topicScores.get(i);
            }
            double evidence = 1 - (1 - best) * (1 - 0.5 * Math.min(1, others)) * (1 - 0.5 * title);
            double confidence = evidence * (0.5 + 0.5 * coverage(question, found));
            if (language != null && a.article().language() != null && !language.equals(a.article().language())) {
                confidence *= 0.9;
            }
            if (title > 0) {
                foundTerms.add("title");
            }
            scored.add(new Scored(new Match(a.article(), round(confidence), List.copyOf(foundTerms)),
                    topicScores.size(), a.article().updatedAt() == null ? Instant.EPOCH : a.article().updatedAt()));
        }
        scored.sort(Comparator.comparingDouble((Scored s) -> s.match().confidence()).reversed()
                .thenComparing(Comparator.comparingInt(Scored::topics).reversed())
                .thenComparing(Comparator.comparing(Scored::updatedAt).reversed())
                .thenComparing(s -> s.match().article().id()));
        return scored.stream().limit(limit).map(Scored::match).toList();
    }

    /** 1 for all of a term's features present; the square of the share for half or more; else 0. */
    static double score(Set<String> term, Set<String> question) {
        if (term.isEmpty()) {
            return 0;
        }
        int hits = 0;
        for (String f : term) {
            if (question.contains(f)) {
                hits++;
            }
        }
        double share = (double) hits / term.size();
        if (share >= 1) {
            return 1;
        }
        return share >= 0.5 ? share * share : 0;
    }

    /** The share of the question's content tokens that {@code found} features account for. */
    static double coverage(Tokens question, Set<String> found) {
        int content = 0;
        int covered = 0;
        for (int i = 0; i < question.size(); i++) {
            Tokens.Token t = question.get(i);
            if (Tokens.isStop(t)) {
                continue;
            }
            content++;
            boolean hit;
            if (!t.cjk()) {
                hit = found.contains(t.text());
            } else {
                hit = found.contains(t.text())
                        || (question.pairsWithNext(i) && found.contains(t.text() + question.get(i + 1).text()))
                        || (i > 0 && question.pairsWithNext(i - 1) && found.contains(question.get(i - 1).text() + t.text()));
            }
            if (hit) {
                covered++;
            }
        }
        return content == 0 ? 1 : (double) covered / content;
    }

    private static double round(double value) {
        return Math.round(Math.max(0, Math.min(1, value)) * 1000) / 1000.0;
    }
}
