package io.switchboard.sdk.maven;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The platform API a bundle needs, read from its Import-Package header: every {@code io.switchboard.*}
 * package with its version range, so an operator's server can tell before installing whether it offers
 * that API.
 */
final class PlatformImports {

    private static final String PLATFORM = "io.switchboard";
    /** OSGi's reading of an import without a version: any version. */
    private static final String ANY = "0.0.0";

    private PlatformImports() {
    }

    /** Package name to range, in header order; an empty map for a null header. */
    static Map<String, String> of(String importPackage) {
        Map<String, String> requires = new LinkedHashMap<>();
        if (importPackage == null) {
            return requires;
        }
        for (String clause : split(importPackage, ',')) {
            List<String> names = new ArrayList<>();
            String range = ANY;
            for (String part : split(clause, ';')) {
                int eq = part.indexOf('=');
                if (eq < 0) {
                    names.add(part.trim());
                } else if (part.substring(0, eq).trim().equals("version")) {
                    range = unquote(part.substring(eq + 1).trim());
                }
            }
            for (String name : names) {
                if (name.equals(PLATFORM) || name.startsWith(PLATFORM + ".")) {
                    requires.put(name, range);
                }
            }
        }
        return requires;
    }

    /** Splits at {@code separator} outside double quotes (a range such as "[1.2,2)" has a comma). */
    private static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean quoted = false;
        for (char c : text.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == separator && !quoted) {
                parts.add(part.toString());
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        parts.add(part.toString());
        parts.removeIf(p -> p.isBlank());
        return parts;
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1) : value;
    }
}
