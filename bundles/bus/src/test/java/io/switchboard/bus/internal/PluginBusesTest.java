package io.switchboard.bus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.bus.Bus;
import io.switchboard.bus.BusGrants;
import io.switchboard.bus.BusUnavailableException;
import io.switchboard.testkit.TestBroker;
import java.lang.reflect.Proxy;
import java.util.Hashtable;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;

/** The Bus service's per-bundle instances: which bundle gets which user, and who closes what. */
class PluginBusesTest {

    static TestBroker broker;
    static ArtemisBus platform;

    @BeforeAll
    static void start() {
        broker = TestBroker.start();
        platform = ArtemisBus.platform(config(broker.amqpUrl(), "platform-secret"));
    }

    @AfterAll
    static void stop() {
        platform.deactivate();
        broker.close();
    }

    static ArtemisBus.Config config(String url, String password) {
        Map<String, Object> values = Map.of("url", url, "user", "switchboard-bus", "password", password, "maxConnections", 4,
                "outageRetryMinutes", 10);
        return (ArtemisBus.Config) Proxy.newProxyInstance(ArtemisBus.Config.class.getClassLoader(),
                new Class<?>[] {ArtemisBus.Config.class}, (proxy, method, args) -> values.get(method.getName()));
    }

    /** A bundle with these raw manifest headers. */
    static Bundle bundle(Map<String, String> headers) {
        return (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getHeaders" -> new Hashtable<>(headers);
                    case "getSymbolicName" -> "test.bundle";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void aPlatformBundleSharesThePlatformBus() {
        Bus bus = platform.busFor(bundle(Map.of("Bundle-SymbolicName", "io.switchboard.routing")));
        assertSame(platform, bus);
        platform.release(bus);
        assertTrue(platform.isReachable(), "letting the shared bus go does not close it");
        assertEquals("switchboard-bus", platform.user());
    }

    @Test
    void aPluginBundleGetsItsOwnBusAsItsOwnUserClosedWhenItLetsGo() throws Exception {
        ArtemisBus own = (ArtemisBus) platform.busFor(bundle(Map.of(BusGrants.PLUGIN_HEADER, " acme-channel ")));
        assertNotNull(own);
        assertNotSame(platform, own);
        assertEquals("plugin.acme-channel", own.user());
        assertNotSame(platform.connectionFactory(), own.connectionFactory());

        own.send("sb.test.plugin", "from the plugin", Map.of());
        assertEquals("from the plugin", TestBroker.receive(platform.connectionFactory(), "sb.test.plugin", 5000).getText());

        platform.release(own);
        assertThrows(BusUnavailableException.class, () -> own.send("sb.test.plugin", "after release", Map.of()));
        assertTrue(platform.isReachable());
    }

    @Test
    void aMalformedPluginIdGetsNoBusAtAll() {
        assertNull(platform.busFor(bundle(Map.of(BusGrants.PLUGIN_HEADER, "Not An Id"))));
        assertNull(platform.busFor(bundle(Map.of(BusGrants.PLUGIN_HEADER, ""))));
    }
}
