package io.switchboard.bus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.bus.Bus;
import io.switchboard.bus.BusGrants;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.hooks.service.ListenerHook;
import org.junit.jupiter.api.Test;

/** A plugin bundle neither finds the bus grants nor hears of them; platform bundles see everything. */
class PlatformOnlyServicesTest {

    final PlatformOnlyServices hooks = new PlatformOnlyServices();

    static BundleContext context(Map<String, String> headers) {
        Bundle bundle = PluginBusesTest.bundle(headers);
        return (BundleContext) Proxy.newProxyInstance(BundleContext.class.getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getBundle" -> bundle;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> null;
                });
    }

    static ServiceReference<?> service(Class<?> type) {
        return (ServiceReference<?>) Proxy.newProxyInstance(ServiceReference.class.getClassLoader(), new Class<?>[] {ServiceReference.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getProperty" -> Constants.OBJECTCLASS.equals(args[0]) ? new String[] {type.getName()} : null;
                    case "toString" -> type.getSimpleName();
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> null;
                });
    }

    static final BundleContext PLUGIN = context(Map.of("Bundle-SymbolicName", "com.acme.channel", BusGrants.PLUGIN_HEADER, "acme-channel"));
    static final BundleContext PLATFORM = context(Map.of("Bundle-SymbolicName", "io.switchboard.plugins"));

    @Test
    void aPluginFindsNoGrantsButItsBus() {
        ServiceReference<?> grants = service(BusGrants.class);
        ServiceReference<?> bus = service(Bus.class);
        List<ServiceReference<?>> found = new ArrayList<>(List.of(grants, bus));
        hooks.find(PLUGIN, BusGrants.class.getName(), null, false, found);
        assertEquals(List.of(bus), found);

        List<ServiceReference<?>> platformFinds = new ArrayList<>(List.of(grants, bus));
        hooks.find(PLATFORM, null, null, false, platformFinds);
        assertEquals(List.of(grants, bus), platformFinds);
    }

    @Test
    void aPluginHearsNothingOfTheGrantsComingOrGoing() {
        Map<BundleContext, java.util.Collection<ListenerHook.ListenerInfo>> listeners = new HashMap<>();
        listeners.put(PLUGIN, new ArrayList<>());
        listeners.put(PLATFORM, new ArrayList<>());
        hooks.event(new ServiceEvent(ServiceEvent.REGISTERED, service(BusGrants.class)), listeners);
        assertEquals(List.of(PLATFORM), List.copyOf(listeners.keySet()));

        listeners.put(PLUGIN, new ArrayList<>());
        hooks.event(new ServiceEvent(ServiceEvent.REGISTERED, service(Bus.class)), listeners);
        assertEquals(2, listeners.size(), "a plugin hears of other services");
    }
}
