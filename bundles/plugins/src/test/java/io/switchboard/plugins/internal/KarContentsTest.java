package io.switchboard.plugins.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a plugin's features may name: the artifacts of its signed KAR, the platform's bundles, its own configurations. */
class KarContentsTest {

    static final Set<String> KAR = Set.of(
            "com/acme/acme-channel/1.0.1/acme-channel-1.0.1.jar",
            "com/acme/acme-channel/1.0.1/acme-channel-1.0.1-features.xml",
            "com/acme/acme-channel/1.0.1/acme-channel-1.0.1-configuration.cfg");
    static final String PLATFORM_BUNDLE = "mvn:io.switchboard/switchboard-api/0.1.0-SNAPSHOT";
    final KarContents kar = new KarContents(KAR, PLATFORM_BUNDLE::equals, List.of("com.acme.channel", "io.switchboard.proactive.rule-acme"));

    @Test
    void mavenUrlsMapToTheKarsRepositoryPaths() {
        assertEquals("com/acme/acme-channel/1.0.1/acme-channel-1.0.1.jar", KarContents.mavenPath("mvn:com.acme/acme-channel/1.0.1"));
        assertEquals("com/acme/acme-channel/1.0.1/acme-channel-1.0.1-features.xml",
                KarContents.mavenPath("mvn:com.acme/acme-channel/1.0.1/xml/features"));
        assertEquals("com/acme/acme-channel/1.0.1/acme-channel-1.0.1-configuration.cfg",
                KarContents.mavenPath("mvn:com.acme/acme-channel/1.0.1/cfg/configuration"));
        assertEquals("com/acme/x/1/x-1-tests.jar", KarContents.mavenPath("mvn:com.acme/x/1//tests"));
        // a repository of its own, another scheme, a path that climbs out: never a KAR path
        assertNull(KarContents.mavenPath("mvn:https://evil.example/repo!com.acme/acme-channel/1.0.1"));
        assertNull(KarContents.mavenPath("http://evil.example/acme-channel-1.0.1.jar"));
        assertNull(KarContents.mavenPath("wrap:mvn:com.acme/acme-channel/1.0.1"));
        assertNull(KarContents.mavenPath("mvn:com.acme/../1.0.1"));
        assertNull(KarContents.mavenPath("mvn:com.acme/acme-channel"));
    }

    @Test
    void whatTheSdkBuildsIsInside() {
        List<String> problems = kar.outside(
                List.of("mvn:com.acme/acme-channel/1.0.1", PLATFORM_BUNDLE),
                List.of(new KarContents.ConfigFile("mvn:com.acme/acme-channel/1.0.1/cfg/configuration", "etc/com.acme.channel.cfg"),
                        new KarContents.ConfigFile("mvn:com.acme/acme-channel/1.0.1/cfg/configuration",
                                "${karaf.etc}/io.switchboard.proactive.rule-acme.cfg")),
                List.of("com.acme.channel"),
                List.of("mvn:io.switchboard/switchboard-features/0.1.0-SNAPSHOT/xml/features"),
                "mvn:io.switchboard/switchboard-features/0.1.0-SNAPSHOT/xml/features"::equals);
        assertEquals(List.of(), problems);
        assertTrue(kar.inside("mvn:com.acme/acme-channel/1.0.1/xml/features"));
    }

    @Test
    void bundlesConfigurationsAndRepositoriesFromElsewhereAreEachNamed() {
        List<String> problems = kar.outside(
                List.of("http://evil.example/backdoor.jar", "mvn:com.acme/helper/2.0", "mvn:https://evil.example!com.acme/acme-channel/1.0.1"),
                List.of(new KarContents.ConfigFile("http://evil.example/x.cfg", "etc/com.acme.channel.cfg"),
                        new KarContents.ConfigFile("mvn:com.acme/acme-channel/1.0.1/cfg/configuration", "etc/users.properties"),
                        new KarContents.ConfigFile("mvn:com.acme/acme-channel/1.0.1/cfg/configuration", "etc/org.apache.karaf.jaas.cfg"),
                        new KarContents.ConfigFile("mvn:com.acme/acme-channel/1.0.1/cfg/configuration", "deploy/evil.camel.yaml")),
                List.of("io.switchboard.bus", "org.ops4j.datasource-evil", "com.acme.channel"),
                List.of("http://evil.example/features.xml"),
                uri -> false);
        assertEquals(List.of(
                "bundle http://evil.example/backdoor.jar is not in the signed KAR",
                "bundle mvn:com.acme/helper/2.0 is not in the signed KAR",
                "bundle mvn:https://evil.example!com.acme/acme-channel/1.0.1 is not in the signed KAR",
                "configuration file http://evil.example/x.cfg is not in the signed KAR",
                "configuration file etc/users.properties is not a configuration in etc/ (etc/<pid>.cfg)",
                "configuration file etc/org.apache.karaf.jaas.cfg is not one the plugin declares (\"configurations\" in its descriptor)",
                "configuration file deploy/evil.camel.yaml is not a configuration in etc/ (etc/<pid>.cfg)",
                "configuration io.switchboard.bus is not one the plugin declares (\"configurations\" in its descriptor)",
                "configuration org.ops4j.datasource-evil is not one the plugin declares (\"configurations\" in its descriptor)",
                "features repository http://evil.example/features.xml is not in the signed KAR"), problems);
        assertFalse(kar.inside("mvn:com.acme/helper/2.0"));
    }
}
