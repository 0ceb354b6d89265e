package io.switchboard.bus.internal;

import io.switchboard.bus.BusGrants;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;
import javax.security.auth.spi.LoginModule;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;

/**
 * The broker login of a plugin's user ({@link BrokerRealm}): {@code plugin.<id>} with its derived password
 * while the grant exists gets the user and the role {@code plugin.<id>}; a {@code plugin.*} user otherwise is
 * refused; any other user is left to the modules after this one.
 */
public final class PluginLoginModule implements LoginModule {

    private static final String PREFIX = BusGrants.userOf("");

    private Subject subject;
    private CallbackHandler callbacks;
    private BrokerRealm realm;
    private Set<java.security.Principal> principals = Set.of();

    @Override
    public void initialize(Subject subject, CallbackHandler callbackHandler, Map<String, ?> sharedState, Map<String, ?> options) {
        this.subject = subject;
        this.callbacks = callbackHandler;
        this.realm = (BrokerRealm) options.get(BrokerRealm.REALM_OPTION);
    }

    @Override
    public boolean login() throws LoginException {
        NameCallback name = new NameCallback("Username: ");
        PasswordCallback password = new PasswordCallback("Password: ", false);
        try {
            callbacks.handle(new Callback[] {name, password});
        } catch (IOException | UnsupportedCallbackException e) {
            throw new LoginException(e.getMessage());
        }
        String user = name.getName();
        if (user == null || !user.startsWith(PREFIX)) {
            return false;
        }
        char[] given = password.getPassword();
        if (given == null || realm == null || !realm.admits(user.substring(PREFIX.length()), given)) {
            throw new FailedLoginException("plugin user " + user + " has no grant, or not this password");
        }
        principals = Set.of(new UserPrincipal(user), new RolePrincipal(user));
        return true;
    }

    @Override
    public boolean commit() {
        if (principals.isEmpty()) {
            return false;
        }
        subject.getPrincipals().addAll(principals);
        return true;
    }

    @Override
    public boolean abort() {
        return logout();
    }

    @Override
    public boolean logout() {
        subject.getPrincipals().removeAll(principals);
        boolean had = !principals.isEmpty();
        principals = Set.of();
        return had;
    }
}
