package io.switchboard.bus.internal;

import java.util.Collection;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.karaf.jaas.config.JaasRealm;
import org.apache.karaf.jaas.modules.BackingEngine;
import org.apache.karaf.jaas.modules.BackingEngineFactory;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * Users of the Karaf realm the broker authenticates against, edited through the realm's own backing engine
 * (as jaas:useradd does): it hashes the password the way etc/org.apache.karaf.jaas.cfg says and rewrites
 * etc/users.properties keeping every other line.
 */
class RealmUsers {

    private static final String PROPERTIES_MODULE = "org.apache.karaf.jaas.modules.properties.PropertiesLoginModule";
    /** Karaf's realms name ProxyLoginModule as the module and the real one in this option (ProxyLoginModule.PROPERTY_MODULE). */
    private static final String REAL_MODULE = "org.apache.karaf.jaas.module";

    private final BundleContext context;
    private final String realm;

    RealmUsers(BundleContext context, String realm) {
        this.context = context;
        this.realm = realm;
    }

    /** Whether the realm and its user file can be edited now. */
    boolean ready() {
        try {
            return engine() != null;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Creates the user, or sets its password, with exactly this one role. */
    void put(String user, String password, String role) {
        BackingEngine engine = required();
        if (engine.lookupUser(user) != null) {
            // a user left from an earlier grant: start from nothing so no stale role or group survives
            engine.deleteUser(user);
        }
        engine.addUser(user, password);
        engine.addRole(user, role);
    }

    void remove(String user) {
        BackingEngine engine = required();
        if (engine.lookupUser(user) != null) {
            engine.deleteUser(user);
        }
    }

    private BackingEngine required() {
        BackingEngine engine = engine();
        if (engine == null) {
            throw new IllegalStateException("the Karaf realm '" + realm + "' has no editable user file");
        }
        return engine;
    }

    /** A fresh engine each time: it reads the user file when built, so edits by others are not lost. */
    private BackingEngine engine() {
        AppConfigurationEntry entry = propertiesEntry();
        if (entry == null) {
            return null;
        }
        for (ServiceReference<BackingEngineFactory> ref : references(BackingEngineFactory.class)) {
            BackingEngineFactory factory = context.getService(ref);
            try {
                if (factory != null && PROPERTIES_MODULE.equals(factory.getModuleClass())) {
                    return factory.build(entry.getOptions());
                }
            } finally {
                context.ungetService(ref);
            }
        }
        return null;
    }

    private AppConfigurationEntry propertiesEntry() {
        AppConfigurationEntry found = null;
        int rank = Integer.MIN_VALUE;
        for (ServiceReference<JaasRealm> ref : references(JaasRealm.class)) {
            JaasRealm candidate = context.getService(ref);
            try {
                if (candidate == null || !realm.equals(candidate.getName()) || candidate.getRank() < rank) {
                    continue;
                }
                for (AppConfigurationEntry entry : candidate.getEntries()) {
                    if (PROPERTIES_MODULE.equals(moduleOf(entry))) {
                        found = entry;
                        rank = candidate.getRank();
                    }
                }
            } finally {
                context.ungetService(ref);
            }
        }
        return found;
    }

    private static String moduleOf(AppConfigurationEntry entry) {
        Object real = entry.getOptions().get(REAL_MODULE);
        return real != null ? real.toString() : entry.getLoginModuleName();
    }

    private <S> Collection<ServiceReference<S>> references(Class<S> type) {
        try {
            return context.getServiceReferences(type, null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
