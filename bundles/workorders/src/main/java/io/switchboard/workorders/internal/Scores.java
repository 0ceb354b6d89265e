package io.switchboard.workorders.internal;

import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A survey answer as customers write it: "5", "5分", "五星", "4 - good", "★★★★". */
final class Scores {

    private static final Pattern DIGIT = Pattern.compile("^\\s*([1-5])(?:\\s*(?:分|星|颗星|stars?|/\\s*5)?)?(?:\\W.*)?$",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CHARACTER_CLASS | Pattern.DOTALL);
    private static final Pattern CHINESE = Pattern.compile("^\\s*([一二三四五])\\s*(?:分|星|颗星)");
    private static final Pattern STARS = Pattern.compile("^\\s*([★⭐]{1,5})\\s*$");

    private Scores() {
    }

    static OptionalInt parse(String answer) {
        if (answer == null) {
            return OptionalInt.empty();
        }
        Matcher m = DIGIT.matcher(answer);
        if (m.matches()) {
            return OptionalInt.of(Integer.parseInt(m.group(1)));
        }
        m = CHINESE.matcher(answer);
        if (m.find()) {
            return OptionalInt.of("一二三四五".indexOf(m.group(1)) + 1);
        }
        m = STARS.matcher(answer);
        if (m.matches()) {
            return OptionalInt.of(m.group(1).codePointCount(0, m.group(1).length()));
        }
        return OptionalInt.empty();
    }
}
