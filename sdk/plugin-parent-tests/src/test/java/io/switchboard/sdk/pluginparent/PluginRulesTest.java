package io.switchboard.sdk.pluginparent;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parent's refusals, each shown on a plugin that breaks it. Nothing is installed: these builds stop
 * at {@code package} or earlier.
 */
class PluginRulesTest {

    private static final String CHANNEL = """
            package com.example.acme;

            public final class AcmeChannel {
                public String name() {
                    return "acme 渠道";
                }
            }
            """;

    @TempDir
    Path work;

    @Test
    void aPluginOnTheApiInProvidedScopeBuilds() {
        // versions and the provided scope of the API come from the BOM the parent imports
        DemoPlugin.Result result = plugin("ok")
                .dependency("io.switchboard", "switchboard-api", null, null)
                .dependency("io.switchboard", "switchboard-systems", null, null)
                .dependency("io.switchboard", "switchboard-testkit", null, null)
                .dependency("org.apache.camel", "camel-core-engine", null, "provided")
                .build("package");
        assertTrue(result.succeeded(), result.output());
    }

    @Test
    void platformInternalsAndRebundledPlatformLibrariesAreRefused() {
        DemoPlugin.Result result = plugin("banned")
                .dependency("io.switchboard", "switchboard-routing", DemoPlugin.SWITCHBOARD_VERSION, "provided")
                .dependency("io.switchboard", "switchboard-api", DemoPlugin.SWITCHBOARD_VERSION, "compile")
                .dependency("org.apache.camel", "camel-core-engine", null, "compile")
                .build("package");
        assertFalse(result.succeeded(), result.output());
        String out = result.output();
        assertTrue(out.contains("A plugin may use only the platform's API artifacts"), out);
        assertTrue(out.contains("io.switchboard:switchboard-routing"), out);
        assertTrue(out.contains("io.switchboard:switchboard-api:jar:" + DemoPlugin.SWITCHBOARD_VERSION), out);
        assertTrue(out.contains("This library is provided by the Switchboard platform"), out);
        assertTrue(out.contains("org.apache.camel:camel-core-engine"), out);
    }

    @Test
    void importingAPlatformInternalPackageFailsTheBundle() {
        DemoPlugin.Result result = plugin("internal")
                .dependency("io.switchboard", "switchboard-store", DemoPlugin.SWITCHBOARD_VERSION, "provided")
                .source("com/example/acme/Shortcut.java", """
                        package com.example.acme;

                        public final class Shortcut {
                            public Class<?> store() {
                                return io.switchboard.store.internal.JdbcStore.class;
                            }
                        }
                        """)
                .build("package");
        assertFalse(result.succeeded(), result.output());
        assertTrue(result.output().contains("Imports platform-internal packages io.switchboard.store.internal"), result.output());
    }

    private DemoPlugin plugin(String name) {
        return new DemoPlugin(work.resolve(name), "com.example.rules", "acme-" + name, "1.0.0")
                .source("com/example/acme/AcmeChannel.java", CHANNEL);
    }
}
