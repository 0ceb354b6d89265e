package io.switchboard.bus.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.AppConfigurationEntry.LoginModuleControlFlag;
import org.apache.karaf.jaas.boot.ProxyLoginModule;
import org.apache.karaf.jaas.config.JaasRealm;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * The JAAS realm the embedded broker authenticates against ({@code domain} in
 * {@code etc/org.apache.activemq.artemis.cfg}): a plugin's user {@code plugin.<id>} is let in while its
 * grant exists and its password is the one derived for it; everyone else is whoever Karaf's own realm
 * lets in (etc/users.properties).
 *
 * <p>Plugin users used to be written into etc/users.properties. That file is rewritten in place (truncated,
 * then written) by every edit and by Karaf's auto-encryption watcher, so a login racing a write saw no such
 * user and a plugin's first message could fail. Deciding from the grants held in memory (and kept in
 * Config Admin) makes a grant valid the moment it is made and a revoke final the moment it is made.
 */
final class BrokerRealm implements JaasRealm {

    static final String NAME = "switchboard-broker";
    /** The option under which {@link PluginLoginModule} finds this realm. */
    static final String REALM_OPTION = BrokerRealm.class.getName();
    private static final String KARAF_REALM = "karaf";

    private final BundleContext context;
    private final String platformPassword;
    private final Supplier<Set<String>> granted;

    /** @param granted the plugin ids with a grant now */
    BrokerRealm(BundleContext context, String platformPassword, Supplier<Set<String>> granted) {
        this.context = context;
        this.platformPassword = platformPassword;
        this.granted = granted;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public int getRank() {
        return 0;
    }

    /**
     * The plugin module first and requisite, so a {@code plugin.*} user is decided by its grant alone (a
     * line left in users.properties by an older version lets nobody in); then Karaf's realm, as it is now.
     */
    @Override
    public AppConfigurationEntry[] getEntries() {
        List<AppConfigurationEntry> entries = new ArrayList<>();
        entries.add(new AppConfigurationEntry(ProxyLoginModule.class.getName(), LoginModuleControlFlag.REQUISITE, Map.of(
                ProxyLoginModule.PROPERTY_MODULE, PluginLoginModule.class.getName(),
                ProxyLoginModule.PROPERTY_BUNDLE, Long.toString(context.getBundle().getBundleId()),
                REALM_OPTION, this)));
        JaasRealm karaf = karafRealm();
        if (karaf != null) {
            entries.addAll(List.of(karaf.getEntries()));
        }
        return entries.toArray(AppConfigurationEntry[]::new);
    }

    /** Whether {@code plugin} is granted now and {@code password} is the one derived for it. */
    boolean admits(String plugin, char[] password) {
        if (!PluginCredentials.PLUGIN_ID.matcher(plugin).matches() || !granted.get().contains(plugin)) {
            return false;
        }
        byte[] expected = PluginCredentials.password(platformPassword, plugin).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected, new String(password).getBytes(StandardCharsets.UTF_8));
    }

    private JaasRealm karafRealm() {
        Collection<ServiceReference<JaasRealm>> refs;
        try {
            refs = context.getServiceReferences(JaasRealm.class, null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        JaasRealm found = null;
        for (ServiceReference<JaasRealm> ref : refs) {
            JaasRealm candidate = context.getService(ref);
            try {
                // the highest rank wins, as in Karaf's own JAAS configuration
                if (candidate != null && KARAF_REALM.equals(candidate.getName())
                        && (found == null || candidate.getRank() > found.getRank())) {
                    found = candidate;
                }
            } finally {
                context.ungetService(ref);
            }
        }
        return found;
    }
}
