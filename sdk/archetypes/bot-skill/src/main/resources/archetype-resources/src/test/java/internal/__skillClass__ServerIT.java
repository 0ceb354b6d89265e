package ${package}.internal;

import io.switchboard.testkit.TestServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The plugin in the real distribution: the server booted, the plugin's KAR
 * published and installed as an operator would, then the skill awaited among the bot's skill services. Run with
 * {@code -Dswitchboard.distribution=<path of switchboard-distro-*.tar.gz or its directory>}.
 */
@EnabledIfSystemProperty(named = "switchboard.distribution", matches = ".*\\S.*")
class ${skillClass}ServerIT {

    static TestServer server;

    @BeforeAll
    static void boot() throws Exception {
        Path distribution = Path.of(System.getProperty("switchboard.distribution"));
        if (distribution.toFile().isDirectory()) {
            distribution = TestServer.findDistribution(distribution);
        }
        // assigned before start, so a boot that fails is still stopped afterwards
        server = TestServer.unpack(distribution, Path.of("target/servers").toAbsolutePath(), "it-admin-password");
        server.configure("io.switchboard.plugins", "allowUnsigned", "true");
        // a build signed with the developer's key: their own server trusts it
        server.trustSignerOf(Path.of(System.getProperty("plugin.kar")));
        server.start(Duration.ofSeconds(180));
        // as an operator installs it: published to the catalog, then installed from there
        server.installPlugin(Path.of(System.getProperty("plugin.kar")), System.getProperty("plugin.id"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theSkillIsOfferedToTheBot() throws Exception {
        String component = ${skillClass}Skill.class.getName();
        String last = "";
        for (long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos(); System.nanoTime() < deadline; Thread.sleep(1000)) {
            last = server.shell("service:list io.switchboard.bot.BotSkill");
            if (last.contains(component)) {
                return;
            }
        }
        throw new AssertionError("no BotSkill service " + component + ": " + last + "\n" + server.log());
    }
}
