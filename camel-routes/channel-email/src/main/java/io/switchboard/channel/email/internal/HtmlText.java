package io.switchboard.channel.email.internal;

import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeFilter;
import org.jsoup.select.NodeTraversor;

/**
 * An HTML-only mail as text an agent can read: scripts, styles and the head dropped, block
 * elements and {@code <br>} as line breaks, list items as bullets, links followed by their target,
 * entities decoded. Not a renderer: what matters is that the words and the paragraphs survive.
 *
 * <p>Parsed by jsoup, as a browser would, in one pass: a customer's or a spammer's broken markup
 * (tags never closed, hundreds of thousands of them) costs time in proportion to its length, which
 * patterns over the raw text could not promise.
 */
final class HtmlText {

    private static final Set<String> INVISIBLE = Set.of("head", "script", "style", "title", "xml", "template");
    private static final Set<String> BLOCK = Set.of("p", "div", "tr", "table", "ul", "ol", "h1", "h2", "h3", "h4",
            "h5", "h6", "blockquote", "pre", "section", "article", "header", "footer", "hr", "dl", "dt", "dd", "center");

    private HtmlText() {
    }

    static String toText(String html) {
        StringBuilder s = new StringBuilder(Math.min(html.length(), 1 << 16));
        NodeTraversor.filter(new NodeFilter() {
            @Override
            public FilterResult head(Node node, int depth) {
                if (node instanceof TextNode text) {
                    String t = text.getWholeText();
                    for (int i = 0; i < t.length(); i++) {
                        char c = t.charAt(i);
                        // a line break in the markup is a space on the page
                        s.append(c == '\n' || c == '\r' ? ' ' : c);
                    }
                    return FilterResult.CONTINUE;
                }
                if (!(node instanceof Element e)) {
                    return FilterResult.CONTINUE;
                }
                String name = e.normalName();
                if (INVISIBLE.contains(name)) {
                    // what was hidden between two words still parted them
                    s.append(' ');
                    return FilterResult.SKIP_ENTIRELY;
                }
                if (name.equals("br")) {
                    s.append('\n');
                } else if (name.equals("li")) {
                    s.append("\n• ");
                } else if (BLOCK.contains(name)) {
                    s.append('\n');
                }
                return FilterResult.CONTINUE;
            }

            @Override
            public FilterResult tail(Node node, int depth) {
                if (!(node instanceof Element e)) {
                    return FilterResult.CONTINUE;
                }
                String name = e.normalName();
                if (name.equals("td") || name.equals("th")) {
                    s.append('\t');
                } else if (BLOCK.contains(name)) {
                    s.append('\n');
                } else if (name.equals("a")) {
                    String href = e.attr("href").strip();
                    // a link whose words are its address says it once
                    if (href.regionMatches(true, 0, "http", 0, 4) && !e.text().strip().equalsIgnoreCase(href)) {
                        s.append(" (").append(href).append(')');
                    }
                }
                return FilterResult.CONTINUE;
            }
        }, Jsoup.parse(html));
        return lines(s);
    }

    /** HTML's own line breaks are spaces; ours are kept, runs of blank lines become one. */
    private static String lines(CharSequence s) {
        StringBuilder out = new StringBuilder();
        StringBuilder line = new StringBuilder();
        boolean blank = false;
        int n = s.length();
        for (int i = 0; i <= n; i++) {
            char c = i < n ? s.charAt(i) : '\n';
            if (c == '\n') {
                int end = line.length();
                while (end > 0 && line.charAt(end - 1) == ' ') {
                    end--;
                }
                line.setLength(end);
                if (line.length() == 0) {
                    blank = true;
                } else {
                    if (out.length() > 0) {
                        out.append(blank ? "\n\n" : "\n");
                    }
                    out.append(line);
                    blank = false;
                }
                line.setLength(0);
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\u00A0' || c == '\f') {
                if (line.length() > 0 && line.charAt(line.length() - 1) != ' ') {
                    line.append(' ');
                }
            } else {
                line.append(c);
            }
        }
        return out.toString();
    }
}
