package io.switchboard.app.client;

import java.util.HashMap;
import java.util.Map;

/**
 * A protocol frame: one flat JSON object of strings, numbers, booleans and nulls (the server never
 * nests). Read and written here by hand, so the client needs no JSON library.
 */
final class Frame {

    private final Map<String, Object> fields;

    private Frame(Map<String, Object> fields) {
        this.fields = fields;
    }

    String type() {
        return string("t");
    }

    String string(String name) {
        Object v = fields.get(name);
        return v == null ? null : v.toString();
    }

    long number(String name, long otherwise) {
        Object v = fields.get(name);
        return v instanceof Number ? ((Number) v).longValue() : otherwise;
    }

    static Frame parse(String json) {
        Reader r = new Reader(json);
        Map<String, Object> fields = new HashMap<>();
        r.skip();
        r.expect('{');
        r.skip();
        if (r.peek() == '}') {
            return new Frame(fields);
        }
        while (true) {
            r.skip();
            String key = r.string();
            r.skip();
            r.expect(':');
            r.skip();
            fields.put(key, r.value());
            r.skip();
            char c = r.next();
            if (c == '}') {
                return new Frame(fields);
            }
            if (c != ',') {
                throw new IllegalArgumentException("expected , or } in " + json);
            }
        }
    }

    /** {@code "..."} with JSON's escapes; everything outside ASCII control characters goes as it is (UTF-8 on the wire). */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        return sb.append('"').toString();
    }

    private static final class Reader {
        private final String s;
        private int i;

        Reader(String s) {
            this.s = s;
        }

        char peek() {
            if (i >= s.length()) {
                throw new IllegalArgumentException("truncated frame");
            }
            return s.charAt(i);
        }

        char next() {
            char c = peek();
            i++;
            return c;
        }

        void expect(char c) {
            if (next() != c) {
                throw new IllegalArgumentException("expected " + c + " at " + (i - 1));
            }
        }

        void skip() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        Object value() {
            char c = peek();
            if (c == '"') {
                return string();
            }
            if (s.startsWith("null", i)) {
                i += 4;
                return null;
            }
            if (s.startsWith("true", i)) {
                i += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("false", i)) {
                i += 5;
                return Boolean.FALSE;
            }
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            String n = s.substring(start, i);
            if (n.isEmpty()) {
                throw new IllegalArgumentException("unexpected " + c + " at " + start);
            }
            return n.contains(".") || n.contains("e") || n.contains("E") ? (Number) Double.valueOf(n) : (Number) Long.valueOf(n);
        }

        String string() {
            expect('"');
            StringBuilder sb = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return sb.toString();
                }
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                char e = next();
                switch (e) {
                    case 'n': sb.append('\n'); break;
                    case 'r': sb.append('\r'); break;
                    case 't': sb.append('\t'); break;
                    case 'b': sb.append('\b'); break;
                    case 'f': sb.append('\f'); break;
                    case 'u':
                        sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                        break;
                    default: sb.append(e); // " \ /
                }
            }
        }
    }
}
