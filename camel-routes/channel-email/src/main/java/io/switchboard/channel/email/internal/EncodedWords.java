package io.switchboard.channel.email.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RFC 2047 encoded words in headers ({@code =?GB2312?B?...?=}). Our own decoder rather than
 * {@code MimeUtility.decodeText}: adjacent words in one charset are joined as bytes before decoding
 * (clients split a Chinese character or an emoji across two words), GB2312 labels are read as
 * GB18030, and a word with a bad charset or bad Base64 is left as written instead of failing the mail.
 */
final class EncodedWords {

    private static final Pattern WORD = Pattern.compile("=\\?([^?\\s]+)\\?([BbQq])\\?([^?\\s]*)\\?=");
    private static final Pattern BETWEEN_WORDS = Pattern.compile("[ \\t\\r\\n]*");

    private EncodedWords() {
    }

    static String decode(String header) {
        if (header == null) {
            return null;
        }
        String text = Charsets.rawHeader(unfold(header));
        if (!text.contains("=?")) {
            return text;
        }
        StringBuilder out = new StringBuilder();
        Matcher m = WORD.matcher(text);
        int at = 0;
        String charset = null;
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        while (m.find()) {
            String between = text.substring(at, m.start());
            boolean adjacent = charset != null && BETWEEN_WORDS.matcher(between).matches();
            byte[] bytes = bytes(m.group(2), m.group(3));
            if (bytes == null) {
                // not decodable: leave the word as it was written
                flush(out, pending, charset);
                charset = null;
                out.append(between).append(m.group());
                at = m.end();
                continue;
            }
            String wordCharset = m.group(1);
            if (!adjacent || !sameCharset(charset, wordCharset)) {
                flush(out, pending, charset);
                if (!adjacent || charset == null) {
                    out.append(between);
                }
                charset = wordCharset;
            }
            pending.writeBytes(bytes);
            at = m.end();
        }
        flush(out, pending, charset);
        out.append(text.substring(at));
        return out.toString();
    }

    private static boolean sameCharset(String a, String b) {
        return a != null && Charsets.of(a).equals(Charsets.of(b));
    }

    private static void flush(StringBuilder out, ByteArrayOutputStream pending, String charset) {
        if (pending.size() > 0) {
            Charset c = Charsets.of(charset);
            out.append(Charsets.decode(pending.toByteArray(), c));
            pending.reset();
        }
    }

    private static byte[] bytes(String encoding, String text) {
        try {
            if (encoding.equalsIgnoreCase("B")) {
                return text.matches("[A-Za-z0-9+/]*=*") ? Base64.getMimeDecoder().decode(text) : null;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '_') {
                    out.write(' ');
                } else if (c == '=' && i + 2 < text.length()) {
                    out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                    i += 2;
                } else {
                    out.write(c);
                }
            }
            return out.toByteArray();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String unfold(String header) {
        return header.replaceAll("\\r?\\n(?=[ \\t])", "");
    }
}
