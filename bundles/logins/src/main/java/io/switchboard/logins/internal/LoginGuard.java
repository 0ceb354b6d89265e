package io.switchboard.logins.internal;

import io.switchboard.store.Store;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.karaf.jaas.boot.ProxyLoginModule;
import org.apache.karaf.jaas.config.JaasRealm;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Puts the {@link LockoutLoginModule} in front of the {@code karaf} realm that REST, SSH, Hawtio and
 * JMX all log in through: it registers a {@code karaf} realm ranked above the one in place (Karaf's
 * own, or an operator's LDAP realm) whose modules are the lockout and then every module of that realm,
 * unchanged. Configured by {@code etc/io.switchboard.logins.cfg}.
 */
@Component(immediate = true, configurationPid = "io.switchboard.logins")
@Designate(ocd = LoginGuard.Config.class)
public class LoginGuard {

    @ObjectClassDefinition(name = "Switchboard logins")
    public @interface Config {
        @AttributeDefinition(description = "Wrong passwords in a row that lock a user (REST, SSH and Hawtio alike)")
        int lockAfterFailures() default 20;

        @AttributeDefinition(description = "Seconds the first lock lasts; each next one in a row lasts twice as long")
        int firstLockSeconds() default 60;

        @AttributeDefinition(description = "Minutes the longest lock lasts")
        int longestLockMinutes() default 60;
    }

    static final String REALM = "karaf";

    private final long bundleId;
    private final Lockout lockout;
    private final ServiceTracker<JaasRealm, JaasRealm> realms;
    private final ServiceRegistration<JaasRealm> registration;

    @Activate
    public LoginGuard(BundleContext context, Config config, @Reference Store store) {
        store.migrate(Lockout.CHANGELOG, LoginGuard.class.getClassLoader());
        this.bundleId = context.getBundle().getBundleId();
        this.lockout = new Lockout(store, config.lockAfterFailures(), Duration.ofSeconds(Math.max(1, config.firstLockSeconds())),
                Duration.ofMinutes(Math.max(1, config.longestLockMinutes())));
        this.realms = new ServiceTracker<>(context, JaasRealm.class, null);
        realms.open();
        this.registration = context.registerService(JaasRealm.class, new Guarded(), null);
    }

    @Deactivate
    void deactivate() {
        registration.unregister();
        realms.close();
    }

    /** The realm it guards: the highest-ranked {@code karaf} realm other than its own. */
    JaasRealm guarded() {
        JaasRealm best = null;
        ServiceReference<JaasRealm>[] refs = realms.getServiceReferences();
        for (ServiceReference<JaasRealm> ref : refs == null ? List.<ServiceReference<JaasRealm>>of() : Arrays.asList(refs)) {
            JaasRealm realm = realms.getService(ref);
            if (realm != null && !(realm instanceof Guarded) && REALM.equals(realm.getName())
                    && (best == null || realm.getRank() > best.getRank())) {
                best = realm;
            }
        }
        return best;
    }

    private final class Guarded implements JaasRealm {
        @Override
        public String getName() {
            return REALM;
        }

        @Override
        public int getRank() {
            JaasRealm guarded = guarded();
            return guarded == null ? 0 : guarded.getRank() + 1;
        }

        @Override
        public AppConfigurationEntry[] getEntries() {
            Map<String, Object> options = new HashMap<>();
            options.put(ProxyLoginModule.PROPERTY_MODULE, LockoutLoginModule.class.getName());
            options.put(ProxyLoginModule.PROPERTY_BUNDLE, Long.toString(bundleId));
            options.put(LockoutLoginModule.LOCKOUT, lockout);
            List<AppConfigurationEntry> entries = new ArrayList<>();
            entries.add(new AppConfigurationEntry(ProxyLoginModule.class.getName(),
                    AppConfigurationEntry.LoginModuleControlFlag.REQUISITE, options));
            JaasRealm guarded = guarded();
            if (guarded != null) {
                entries.addAll(Arrays.asList(guarded.getEntries()));
            }
            return entries.toArray(AppConfigurationEntry[]::new);
        }
    }
}
