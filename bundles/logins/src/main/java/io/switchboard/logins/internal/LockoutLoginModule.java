package io.switchboard.logins.internal;

import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.AccountLockedException;
import javax.security.auth.login.LoginException;
import javax.security.auth.spi.LoginModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first module of the {@code karaf} realm, requisite: a locked user is refused here, before any
 * module behind it looks at the password, so a locked attempt costs no hash. Otherwise it stands
 * aside (its login answers false) and counts the outcome of the modules behind it: {@code abort}
 * is a wrong password, {@code commit} a right one.
 */
public final class LockoutLoginModule implements LoginModule {

    /** The option that carries the {@link Lockout} the realm hands its module. */
    static final String LOCKOUT = "io.switchboard.logins.lockout";

    private static final Logger LOG = LoggerFactory.getLogger(LockoutLoginModule.class);

    private CallbackHandler callbacks;
    private Lockout lockout;
    private Clock clock = Clock.systemUTC();
    private String user;
    private boolean refused;

    @Override
    public void initialize(Subject subject, CallbackHandler callbackHandler, Map<String, ?> sharedState, Map<String, ?> options) {
        this.callbacks = callbackHandler;
        this.lockout = (Lockout) options.get(LOCKOUT);
    }

    @Override
    public boolean login() throws LoginException {
        user = name();
        if (user == null || user.isBlank() || lockout == null) {
            return false;
        }
        Optional<java.time.Instant> until;
        try {
            until = lockout.lockedUntil(user, clock.instant());
        } catch (RuntimeException e) {
            // the database away: the password modules still decide; a lockout is not worth locking everyone out
            LOG.warn("Login guard cannot read the lockout of a user: {}", e.toString());
            return false;
        }
        if (until.isPresent()) {
            refused = true;
            LOG.warn("Login refused: user {} is locked after repeated wrong passwords until {}", user, until.get());
            throw new AccountLockedException("user " + user + " is locked after repeated wrong passwords until " + until.get());
        }
        return false;
    }

    @Override
    public boolean commit() {
        if (user != null && lockout != null && !refused) {
            try {
                lockout.succeeded(user);
            } catch (RuntimeException e) {
                LOG.warn("Login guard cannot clear the wrong passwords of a user: {}", e.toString());
            }
        }
        return false;
    }

    @Override
    public boolean abort() {
        if (user != null && !user.isBlank() && lockout != null && !refused) {
            try {
                lockout.failed(user, clock.instant()).ifPresent(until ->
                        LOG.warn("User {} is locked after repeated wrong passwords until {}", user, until));
            } catch (RuntimeException e) {
                LOG.warn("Login guard cannot count a wrong password: {}", e.toString());
            }
        }
        return false;
    }

    @Override
    public boolean logout() {
        return false;
    }

    private String name() throws LoginException {
        NameCallback name = new NameCallback("user: ");
        try {
            callbacks.handle(new Callback[] {name});
        } catch (IOException | UnsupportedCallbackException e) {
            return null;
        }
        return name.getName();
    }
}
