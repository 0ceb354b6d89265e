package io.switchboard.sdk.pluginparent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What switchboard-plugin-parent promises a plugin, checked by building one. Release 1.0.0 of
 * {@code demo-api} exports {@code com.example.demo} 1.0.0 and is installed; later versions are built
 * against it. The group id is new on every run, so the baseline always compares with this run's
 * 1.0.0 and never with a leftover.
 */
class PluginParentTest {

    private static final String GROUP = "com.example.sbtest.r" + System.currentTimeMillis();
    private static final String GREETER_1_0 = """
            package com.example.demo;

            /** What a demo plugin offers other bundles. */
            public interface Greeter {
                String GREETING = "您好";

                String greet(String name);

                String farewell(String name);
            }
            """;
    private static final String GREETER_WITHOUT_FAREWELL = """
            package com.example.demo;

            public interface Greeter {
                String GREETING = "您好";

                String greet(String name);
            }
            """;
    private static final String GREETINGS = """
            package com.example.demo;

            public final class Greetings {
                private Greetings() {
                }

                public static String inChinese(String name) {
                    return Greeter.GREETING + "，" + name;
                }
            }
            """;
    private static final String IMPLEMENTATION = """
            package com.example.demo.internal;

            public final class PoliteGreeter implements com.example.demo.Greeter {
                public String greet(String name) {
                    return GREETING + name;
                }

                public String farewell(String name) {
                    return "再见" + name;
                }
            }
            """;

    @TempDir
    static Path work;
    private static DemoPlugin release;

    @BeforeAll
    static void releaseOneZeroZero() {
        release = demo("1.0.0", "1.0.0", GREETER_1_0);
        DemoPlugin.Result result = release.build("install");
        assertTrue(result.succeeded(), result.output());
    }

    @Test
    void installedParentNamesALiteralPlatformVersion() throws IOException {
        String parent = Files.readString(DemoPlugin.parentPom(), StandardCharsets.UTF_8);
        assertTrue(parent.contains("<switchboard.version>" + DemoPlugin.SWITCHBOARD_VERSION + "</switchboard.version>"), parent);
        assertFalse(parent.contains("<parent>"), "a plugin must not inherit the platform's own build:\n" + parent);
    }

    @Test
    void onlyTheVersionedPackageIsExported() throws IOException {
        try (JarFile file = new JarFile(release.jar().toFile())) {
            Attributes manifest = file.getManifest().getMainAttributes();
            String exports = manifest.getValue("Export-Package");
            assertTrue(exports.startsWith("com.example.demo;version=\"1.0.0\""), exports);
            assertFalse(exports.contains("internal"), exports);
            assertEquals(null, manifest.getValue("X-Switchboard-Internal-Imports"));
        }
    }

    @Test
    void removingAMethodWithoutAMajorBumpFailsTheBuild() {
        DemoPlugin.Result result = demo("1.0.1", "1.0.0", GREETER_WITHOUT_FAREWELL).build("verify");
        assertBaselineFailure(result, "1.0.0");
    }

    @Test
    void removingAMethodWithOnlyAMinorBumpFailsTheBuild() {
        DemoPlugin.Result result = demo("1.1.0", "1.1.0", GREETER_WITHOUT_FAREWELL).build("verify");
        assertBaselineFailure(result, "1.1.0");
    }

    @Test
    void removingAMethodWithAMajorBumpPasses() {
        DemoPlugin plugin = demo("2.0.0", "2.0.0", GREETER_WITHOUT_FAREWELL);
        DemoPlugin.Result result = plugin.build("verify");
        assertTrue(result.succeeded(), result.output());
        assertComparedWithTheRelease(result);
        assertPackageDelta(plugin.baselineReport(), "MAJOR");
    }

    @Test
    void addingAClassWithAMinorBumpPasses() {
        DemoPlugin plugin = demo("1.1.0", "1.1.0", GREETER_1_0).source("com/example/demo/Greetings.java", GREETINGS);
        DemoPlugin.Result result = plugin.build("verify");
        assertTrue(result.succeeded(), result.output());
        assertComparedWithTheRelease(result);
        assertPackageDelta(plugin.baselineReport(), "MINOR");
    }

    @Test
    void addingAClassWithoutABumpFailsTheBuild() {
        DemoPlugin.Result result = demo("1.0.1", "1.0.0", GREETER_1_0)
                .source("com/example/demo/Greetings.java", GREETINGS).build("verify");
        assertFalse(result.succeeded(), result.output());
        assertComparedWithTheRelease(result);
        assertTrue(result.output().contains("Baseline problems detected"), result.output());
        assertPackageLine(result.output(), "*", "MINOR", "1.0.0", "1.0.0", "1.1.0");
    }

    private static void assertBaselineFailure(DemoPlugin.Result result, String packageVersion) {
        assertFalse(result.succeeded(), result.output());
        assertComparedWithTheRelease(result);
        assertTrue(result.output().contains("Baseline problems detected"), result.output());
        // the package is starred (a mismatch), its change is MAJOR, and bnd suggests 2.0.0
        assertPackageLine(result.output(), "*", "MAJOR", packageVersion, "1.0.0", "2.0.0");
        assertTrue(result.output().contains("REMOVED") && result.output().contains("farewell(java.lang.String)"), result.output());
    }

    private static void assertComparedWithTheRelease(DemoPlugin.Result result) {
        assertTrue(result.output().contains("The baseline version was found to be 1.0.0"), result.output());
    }

    /** The report of a passing baseline has no table, only the tree of changes. */
    private static void assertPackageDelta(String report, String delta) {
        assertTrue(Pattern.compile(delta + "\\s+PACKAGE\\s+com\\.example\\.demo\\s").matcher(report).find(), report);
    }

    /** bnd's table row: {@code <mark> com.example.demo PACKAGE <delta> <new> <old> <suggested>}. */
    private static void assertPackageLine(String report, String mark, String delta, String newVersion, String oldVersion, String suggested) {
        Pattern row = Pattern.compile(Pattern.quote(mark) + " com\\.example\\.demo\\s+PACKAGE\\s+" + delta + "\\s+" + Pattern.quote(newVersion)
                + "\\s+" + Pattern.quote(oldVersion) + "\\s+" + Pattern.quote(suggested) + "\\s");
        assertTrue(row.matcher(report).find(), "no row " + row + " in:\n" + report);
    }

    private static DemoPlugin demo(String version, String packageVersion, String greeter) {
        return new DemoPlugin(work.resolve(version + "-" + System.nanoTime()), GROUP, "demo-api", version)
                .exported("com.example.demo", packageVersion)
                .source("com/example/demo/Greeter.java", greeter)
                // without @Override, so it compiles whether or not the interface still has farewell
                .source("com/example/demo/internal/PoliteGreeter.java", IMPLEMENTATION);
    }
}
