package io.switchboard.field.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The app as a phone on a site gets it: every file the page names is in the bundle, each is UTF-8,
 * nothing comes from another server (there may be no way out to one), and no script runs inline,
 * which the page's Content-Security-Policy would refuse.
 */
class AppFilesTest {

    static final String DIR = FieldView.APP_RESOURCES.substring(1) + "/";

    static String read(String name) throws IOException {
        try (InputStream in = AppFilesTest.class.getClassLoader().getResourceAsStream(DIR + name)) {
            assertNotNull(in, name + " is in the bundle");
            byte[] bytes = in.readAllBytes();
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw new AssertionError(name + " is not UTF-8", e);
            }
        }
    }

    @Test
    void thePageNamesOnlyItsOwnFiles() throws IOException {
        String page = read("index.html");
        assertTrue(page.contains("<meta charset=\"utf-8\">"));
        assertTrue(page.contains("name=\"viewport\""), "phones render it at their own width");
        Matcher links = Pattern.compile("(?:src|href)=\"([^\"]*)\"").matcher(page);
        int files = 0;
        while (links.find()) {
            String target = links.group(1);
            if (target.startsWith("data:")) {
                continue;
            }
            assertFalse(target.contains("//"), "loaded from elsewhere: " + target);
            read(target);
            files++;
        }
        assertTrue(files >= 2, "the script and the style sheet");
        assertFalse(Pattern.compile("<script(?![^>]*\\bsrc=)").matcher(page).find(), "an inline script");
        assertFalse(Pattern.compile("\\son[a-z]+=\"").matcher(page).find(), "an inline event handler");
    }

    @Test
    void theScriptAndStylesReachNoOtherServer() throws IOException {
        for (String file : List.of("field.js", "field.css")) {
            String text = read(file);
            assertFalse(Pattern.compile("https?://").matcher(text).find(), file + " names another server");
            assertFalse(text.contains("@import"), file);
        }
        String script = read("field.js");
        assertFalse(script.contains("innerHTML"), "server text goes in as text, never as HTML");
        assertTrue(script.contains("'/switchboard/api'"));
    }
}
