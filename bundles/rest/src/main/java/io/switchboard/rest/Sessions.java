package io.switchboard.rest;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Logins against Karaf's realm that a browser can carry: {@code POST /switchboard/api/sessions}
 * trades a user name and password for a signed token, which every endpoint then takes as
 * {@code Authorization: Bearer <token>}, and an event stream (which cannot send headers) as
 * {@code ?access_token=<token>}. Registered as an OSGi service by the REST bundle.
 */
@ProviderType
public interface Sessions {

    /** @return the login if the user's password is right and they have one of the platform's {@link Roles}; it carries all of those they have */
    Optional<Session> login(String user, char[] password);

    /** @return the login the token stands for, if it is genuine, not expired and not revoked */
    Optional<Session> verify(String token);

    /**
     * Ends the login of {@code token} before its time (a logout): from now on no node verifies it.
     * A token that is not genuine or already expired is left as it is.
     */
    void revoke(String token);

    record Session(String user, Set<String> roles, Instant expiresAt, String token) {

        public boolean isAdmin() {
            return roles.contains("admin");
        }
    }
}
