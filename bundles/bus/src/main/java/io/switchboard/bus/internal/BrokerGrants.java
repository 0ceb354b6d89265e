package io.switchboard.bus.internal;

import io.switchboard.bus.BusGrants;
import io.switchboard.bus.internal.SecuritySettings.Permission;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.karaf.jaas.config.JaasRealm;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugins' grants, made real in two places: the broker's login ({@link BrokerRealm} lets
 * {@code plugin.<id>} in, with the role of the same name, while its grant exists) and the broker's security
 * settings for each granted address. The grants themselves are kept in Config Admin ({@value #PID},
 * {@code <id>.reads} / {@code <id>.writes} as comma lists) and applied to the broker again at every
 * activation, so it follows them even if it lost a change.
 *
 * <p>A grant's addresses reach the broker before its user may log in, and a revoke shuts the login before
 * the addresses go: a plugin never holds a login the broker has no settings for.
 *
 * <p>{@link BusGrants} and the realm are registered at activation, so the platform's own user can log in as
 * soon as the broker listens and the plugins' catalog starts early; the kept grants are applied to the broker
 * once it has started. A change asked for while the broker is still starting fails (IllegalStateException).
 */
// service = {}: registered by hand with the realm, the grants loaded first
@Component(service = {}, immediate = true, configurationPid = "io.switchboard.bus", configurationPolicy = ConfigurationPolicy.REQUIRE)
public class BrokerGrants implements BusGrants {

    static final String PID = "io.switchboard.bus.grants";
    private static final String READS = ".reads";
    private static final String WRITES = ".writes";
    private static final Logger LOG = LoggerFactory.getLogger(BrokerGrants.class);

    @Reference
    ConfigurationAdmin configurationAdmin;

    private final BrokerSecurity broker = new BrokerSecurity();
    /** Read by the broker's logins on its own threads; replaced whole, never changed in place. */
    private volatile Map<String, Grant> grants = Map.of();
    private volatile boolean closed;
    private Thread waiter;
    private ServiceRegistration<BusGrants> registration;
    private ServiceRegistration<JaasRealm> realm;
    private ServiceRegistration<?> hooks;

    @Activate
    void activate(BundleContext context, ArtemisBus.Config config) throws IOException {
        // the grants before the realm: a plugin's connection after a restart must find its grant
        grants = load();
        realm = context.registerService(JaasRealm.class, new BrokerRealm(context, config.password(), () -> grants.keySet()), null);
        // at once, not when the broker has started: what needs grants (the plugins' catalog and its HTTP
        // API) is then up long before the platform reports itself healthy
        // hidden from plugins first, so that none can find the grants in the moment between the two
        hooks = context.registerService(new String[] {org.osgi.framework.hooks.service.FindHook.class.getName(),
                org.osgi.framework.hooks.service.EventListenerHook.class.getName()}, new PlatformOnlyServices(), null);
        registration = context.registerService(BusGrants.class, this, null);
        waiter = new Thread(this::applyWhenStarted, "switchboard-bus-grants-wait");
        waiter.setDaemon(true);
        waiter.start();
    }

    /** The kept grants into the broker again once it has started (it refuses to be managed before). */
    private void applyWhenStarted() {
        long warnAt = System.nanoTime() + 60_000_000_000L;
        while (!closed) {
            if (broker.broker() != null) {
                synchronized (this) {
                    if (closed) {
                        return;
                    }
                    try {
                        SecuritySettings.of(grants).forEach(broker::put);
                        SecuritySettings.deadLettered(grants).forEach(broker::deadLettersTo);
                    } catch (RuntimeException e) {
                        // the operator sees the failure and can grant again
                        LOG.error("Could not apply the plugins' bus grants", e);
                    }
                }
                return;
            }
            if (warnAt != 0 && System.nanoTime() - warnAt > 0) {
                LOG.warn("Plugin bus grants wait for the broker's management (JMX)");
                warnAt = 0;
            }
            try {
                // short: a plugin's first connection after a restart needs its settings in the broker
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Deactivate
    void deactivate() {
        synchronized (this) {
            closed = true;
            if (registration != null) {
                registration.unregister();
                registration = null;
            }
            realm.unregister();
            if (hooks != null) {
                hooks.unregister();
                hooks = null;
            }
        }
        if (waiter != null) {
            waiter.interrupt();
        }
    }

    @Override
    public synchronized void grant(String plugin, Set<String> reads, Set<String> writes) {
        PluginCredentials.checked(plugin);
        Grant grant = new Grant(checked(reads), checked(writes));
        Map<String, Grant> next = new TreeMap<>(grants);
        next.put(plugin, grant);
        change(next);
        LOG.info("Bus grant for plugin {}: reads {}, writes {}", plugin, grant.reads(), grant.writes());
    }

    @Override
    public synchronized void revoke(String plugin) {
        PluginCredentials.checked(plugin);
        Map<String, Grant> next = new TreeMap<>(grants);
        next.remove(plugin);
        change(next);
        LOG.info("Bus grant for plugin {} revoked", plugin);
    }

    @Override
    public synchronized Map<String, Grant> grants() {
        return Collections.unmodifiableMap(new TreeMap<>(grants));
    }

    private void change(Map<String, Grant> next) {
        if (broker.broker() == null) {
            throw new IllegalStateException("the broker is still starting: grant again in a moment");
        }
        Map<String, Map<Permission, SortedSet<String>>> before = SecuritySettings.of(grants);
        Map<String, Map<Permission, SortedSet<String>>> after = SecuritySettings.of(next);
        try {
            store(next);
        } catch (IOException e) {
            throw new IllegalStateException("could not keep the bus grants in " + PID + ": " + e.getMessage(), e);
        }
        // settings a plugin gains before its login opens; settings it loses after its login shut
        after.forEach((match, roles) -> {
            if (!roles.equals(before.get(match))) {
                broker.put(match, roles);
            }
        });
        Set<String> readBefore = SecuritySettings.deadLettered(grants);
        Set<String> readAfter = SecuritySettings.deadLettered(next);
        readAfter.stream().filter(address -> !readBefore.contains(address)).forEach(broker::deadLettersTo);
        grants = Map.copyOf(next);
        before.keySet().stream().filter(match -> !after.containsKey(match)).forEach(broker::remove);
        readBefore.stream().filter(address -> !readAfter.contains(address)).forEach(broker::forgetDeadLetters);
    }

    private Map<String, Grant> load() throws IOException {
        Configuration configuration = configurationAdmin.getConfiguration(PID, "?");
        Dictionary<String, Object> properties = configuration.getProperties();
        return properties == null ? Map.of() : parse(properties);
    }

    static Map<String, Grant> parse(Dictionary<String, ?> properties) {
        Map<String, Grant> parsed = new TreeMap<>();
        for (Enumeration<String> keys = properties.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            if (key.endsWith(READS)) {
                String plugin = key.substring(0, key.length() - READS.length());
                parsed.put(plugin, new Grant(split(properties.get(key)), split(properties.get(plugin + WRITES))));
            }
        }
        return parsed;
    }

    private void store(Map<String, Grant> next) throws IOException {
        Configuration configuration = configurationAdmin.getConfiguration(PID, "?");
        configuration.update(format(next));
    }

    static Dictionary<String, Object> format(Map<String, Grant> grants) {
        Hashtable<String, Object> properties = new Hashtable<>();
        grants.forEach((plugin, grant) -> {
            properties.put(plugin + READS, String.join(",", new java.util.TreeSet<>(grant.reads())));
            properties.put(plugin + WRITES, String.join(",", new java.util.TreeSet<>(grant.writes())));
        });
        return properties;
    }

    private static Set<String> split(Object value) {
        if (value == null) {
            return Set.of();
        }
        return Arrays.stream(value.toString().split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    private static Set<String> checked(Set<String> addresses) {
        return addresses == null ? Set.of() : addresses.stream().map(SecuritySettings::checkedAddress).collect(Collectors.toSet());
    }
}
