package io.switchboard.channel.email.internal;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTML-only mail as text an agent can read: scripts, styles and the head dropped, block
 * elements and {@code <br>} as line breaks, list items as bullets, links followed by their target,
 * entities decoded. Not a renderer: what matters is that the words and the paragraphs survive.
 */
final class HtmlText {

    private static final Pattern INVISIBLE = Pattern.compile(
            "(?is)<!--.*?-->|<(script|style|head|title|xml)\\b[^>]*>.*?</\\1\\s*>|<!doctype[^>]*>");
    private static final Pattern LINK = Pattern.compile("(?is)<a\\b[^>]*?href\\s*=\\s*([\"'])(.*?)\\1[^>]*>(.*?)</a\\s*>");
    private static final Pattern BREAK = Pattern.compile("(?i)<br\\s*/?>");
    private static final Pattern ITEM = Pattern.compile("(?i)<li\\b[^>]*>");
    private static final Pattern CELL = Pattern.compile("(?i)</t[dh]\\s*>");
    private static final Pattern BLOCK = Pattern.compile(
            "(?i)</?(p|div|tr|table|ul|ol|h[1-6]|blockquote|pre|section|article|header|footer|hr|dl|dt|dd|center)\\b[^>]*>");
    private static final Pattern TAG = Pattern.compile("(?s)<[^>]*>");
    private static final Pattern ENTITY = Pattern.compile("&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});");
    private static final Map<String, String> NAMED = Map.ofEntries(
            Map.entry("nbsp", " "), Map.entry("amp", "&"), Map.entry("lt", "<"), Map.entry("gt", ">"),
            Map.entry("quot", "\""), Map.entry("apos", "'"), Map.entry("copy", "©"), Map.entry("reg", "®"),
            Map.entry("trade", "™"), Map.entry("hellip", "…"), Map.entry("mdash", "—"), Map.entry("ndash", "–"),
            Map.entry("lsquo", "‘"), Map.entry("rsquo", "’"), Map.entry("ldquo", "“"), Map.entry("rdquo", "”"),
            Map.entry("bull", "•"), Map.entry("middot", "·"), Map.entry("yen", "¥"), Map.entry("euro", "€"),
            Map.entry("pound", "£"), Map.entry("cent", "¢"), Map.entry("times", "×"), Map.entry("divide", "÷"),
            Map.entry("laquo", "«"), Map.entry("raquo", "»"), Map.entry("deg", "°"), Map.entry("plusmn", "±"),
            Map.entry("ensp", " "), Map.entry("emsp", " "), Map.entry("thinsp", " "), Map.entry("zwnj", ""),
            Map.entry("zwj", "\u200D"), Map.entry("shy", ""), Map.entry("sect", "§"), Map.entry("para", "¶"));

    private HtmlText() {
    }

    static String toText(String html) {
        String s = INVISIBLE.matcher(html).replaceAll(" ");
        s = s.replaceAll("[\\r\\n\\t]+", " "); // HTML's own line breaks are spaces
        Matcher links = LINK.matcher(s);
        StringBuilder withTargets = new StringBuilder();
        while (links.find()) {
            String href = links.group(2).strip();
            String label = links.group(3);
            String labelText = TAG.matcher(label).replaceAll("").strip();
            boolean worthShowing = href.regionMatches(true, 0, "http", 0, 4)
                    && !decodeEntities(labelText).strip().equalsIgnoreCase(decodeEntities(href));
            links.appendReplacement(withTargets, Matcher.quoteReplacement(
                    worthShowing ? label + " (" + href + ")" : label));
        }
        links.appendTail(withTargets);
        s = withTargets.toString();
        s = BREAK.matcher(s).replaceAll("\n");
        s = ITEM.matcher(s).replaceAll("\n• ");
        s = CELL.matcher(s).replaceAll("\t");
        s = BLOCK.matcher(s).replaceAll("\n");
        s = TAG.matcher(s).replaceAll("");
        s = decodeEntities(s);
        StringBuilder out = new StringBuilder();
        int blank = 0;
        for (String line : s.split("\n", -1)) {
            String l = line.replace('\u00A0', ' ').replaceAll("[ \\t]+", " ").strip();
            if (l.isEmpty()) {
                blank++;
                continue;
            }
            if (out.length() > 0) {
                out.append(blank > 0 ? "\n\n" : "\n");
            }
            blank = 0;
            out.append(l);
        }
        return out.toString();
    }

    static String decodeEntities(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        Matcher m = ENTITY.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String e = m.group(1);
            String replacement;
            if (e.startsWith("#")) {
                int cp = e.length() > 1 && (e.charAt(1) == 'x' || e.charAt(1) == 'X')
                        ? Integer.parseInt(e.substring(2), 16) : Integer.parseInt(e.substring(1));
                replacement = Character.isValidCodePoint(cp) && cp != 0 ? Character.toString(cp) : "\uFFFD";
            } else {
                replacement = NAMED.get(e.toLowerCase(Locale.ROOT).equals(e) ? e : e.toLowerCase(Locale.ROOT));
                if (replacement == null) {
                    replacement = m.group();
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
