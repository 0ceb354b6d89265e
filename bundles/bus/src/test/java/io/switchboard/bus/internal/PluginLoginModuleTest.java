package io.switchboard.bus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.Principal;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import javax.security.auth.Subject;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.junit.jupiter.api.Test;

/** The broker's login of plugin users, through JAAS as the broker calls it. */
class PluginLoginModuleTest {

    static final String PLATFORM = "platform-secret";
    final Set<String> granted = ConcurrentHashMap.newKeySet();
    final BrokerRealm realm = new BrokerRealm(null, PLATFORM, () -> granted);

    Subject login(String user, String password) throws LoginException {
        Configuration only = new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                return new AppConfigurationEntry[] {new AppConfigurationEntry(PluginLoginModule.class.getName(),
                        AppConfigurationEntry.LoginModuleControlFlag.REQUISITE, Map.of(BrokerRealm.REALM_OPTION, realm))};
            }
        };
        Subject subject = new Subject();
        LoginContext context = new LoginContext(BrokerRealm.NAME, subject, callbacks -> {
            ((NameCallback) callbacks[0]).setName(user);
            ((PasswordCallback) callbacks[1]).setPassword(password.toCharArray());
        }, only);
        context.login();
        return subject;
    }

    @Test
    void aGrantedPluginLogsInWithItsDerivedPasswordAndGetsItsRole() throws Exception {
        granted.add("acme-sms");
        Subject subject = login("plugin.acme-sms", PluginCredentials.password(PLATFORM, "acme-sms"));
        Set<String> roles = subject.getPrincipals(RolePrincipal.class).stream().map(Principal::getName).collect(Collectors.toSet());
        assertEquals(Set.of("plugin.acme-sms"), roles);
    }

    @Test
    void aGrantIsValidTheMomentItIsMadeAndARevokeFinalTheMomentItIsMade() throws Exception {
        String password = PluginCredentials.password(PLATFORM, "acme-sms");
        assertThrows(FailedLoginException.class, () -> login("plugin.acme-sms", password), "no grant yet");
        granted.add("acme-sms");
        assertFalse(login("plugin.acme-sms", password).getPrincipals().isEmpty());
        granted.remove("acme-sms");
        assertThrows(FailedLoginException.class, () -> login("plugin.acme-sms", password), "revoked");
    }

    @Test
    void aWrongPasswordOrAnotherPluginsPasswordIsRefused() {
        granted.add("acme-sms");
        granted.add("other");
        assertThrows(FailedLoginException.class, () -> login("plugin.acme-sms", PluginCredentials.password(PLATFORM, "acme-sms") + "x"));
        assertThrows(FailedLoginException.class, () -> login("plugin.acme-sms", PluginCredentials.password(PLATFORM, "other")));
        assertThrows(FailedLoginException.class, () -> login("plugin.acme-sms", PluginCredentials.password("another-platform", "acme-sms")));
        assertThrows(FailedLoginException.class, () -> login("plugin.Not_An-Id", "x"));
    }

    @Test
    void anyOtherUserIsLeftToKarafsRealm() {
        LoginException ignored = assertThrows(LoginException.class, () -> login("switchboard-bus", "whatever"));
        assertFalse(ignored instanceof FailedLoginException, "not refused by this module, only ignored: " + ignored);
        assertFalse(realm.admits("acme-sms", "x".toCharArray()), "no grant, whatever the password");
    }
}
