package io.switchboard.rest.internal;

import io.switchboard.rest.Problem;
import io.switchboard.rest.Sessions;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Base64;
import java.util.Set;
import java.util.stream.Collectors;
import javax.annotation.Priority;
import javax.security.auth.Subject;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import javax.ws.rs.Priorities;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.container.ContainerRequestFilter;
import javax.ws.rs.container.DynamicFeature;
import javax.ws.rs.container.ResourceInfo;
import javax.ws.rs.core.FeatureContext;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import javax.ws.rs.ext.Provider;

/**
 * Who may call each resource method, in one place for every endpoint of every bundle: the method's
 * {@link DeclaredAccess} ({@code @PermitAll}, {@code @RolesAllowed}, {@code @DenyAll}) decides.
 * Callers log in with HTTP Basic against the Karaf JAAS realm ({@code karaf}, the users of
 * {@code etc/users.properties} or whatever realm the operator configured, LDAP included) or with a
 * token from {@link Sessions}. No credentials is 401; a user without one of the method's roles is
 * 403; a method that declares nothing is 403 to everyone. Scripts can call the API with {@code curl -u}.
 */
@Provider
public final class RealmLogin implements DynamicFeature {

    static final String REALM = "karaf";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RealmLogin.class);

    /** The sessions service if it is registered now; a token is refused while it is not. */
    private final java.util.function.Supplier<java.util.Optional<Sessions>> sessions;

    public RealmLogin(java.util.function.Supplier<java.util.Optional<Sessions>> sessions) {
        this.sessions = sessions;
    }

    @Override
    public void configure(ResourceInfo resource, FeatureContext context) {
        DeclaredAccess access = DeclaredAccess.of(resource.getResourceClass(), resource.getResourceMethod());
        if (access == null) {
            LOG.warn("{}.{} declares no access rule (@RolesAllowed or @PermitAll): it is refused to everyone",
                    resource.getResourceClass().getName(), resource.getResourceMethod().getName());
            context.register(new Undeclared());
        } else if (!access.open()) {
            context.register(new Check(sessions, access.roles()));
        }
    }

    /** A method that declares no rule: refused before any login, so that it cannot be mistaken for a working one. */
    @Priority(Priorities.AUTHENTICATION)
    static final class Undeclared implements ContainerRequestFilter {
        @Override
        public void filter(ContainerRequestContext request) {
            request.abortWith(Problem.of(403, "Forbidden", "this endpoint declares no access rule, so no one may call it").toResponse());
        }
    }

    @Priority(Priorities.AUTHENTICATION)
    static final class Check implements ContainerRequestFilter {
        private final java.util.function.Supplier<java.util.Optional<Sessions>> sessions;
        private final Set<String> allowed;

        Check(java.util.function.Supplier<java.util.Optional<Sessions>> sessions, Set<String> allowed) {
            this.sessions = sessions;
            this.allowed = allowed;
        }

        @Override
        public void filter(ContainerRequestContext request) {
            String header = request.getHeaderString("Authorization");
            if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                String token = header.substring(7).trim();
                java.util.Optional<Sessions.Session> session = sessions.get().flatMap(s -> s.verify(token));
                if (session.isEmpty()) {
                    request.abortWith(bearerChallenge("the token is not valid or has expired; log in again"));
                    return;
                }
                admit(request, session.get().user(), session.get().roles(), "Bearer");
                return;
            }
            if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
                request.abortWith(challenge("credentials required"));
                return;
            }
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                request.abortWith(challenge("malformed Basic credentials"));
                return;
            }
            int colon = decoded.indexOf(':');
            if (colon < 1) {
                request.abortWith(challenge("malformed Basic credentials"));
                return;
            }
            String user = decoded.substring(0, colon);
            char[] password = decoded.substring(colon + 1).toCharArray();
            Set<String> roles;
            try {
                roles = roles(user, password);
            } catch (javax.security.auth.login.AccountLockedException e) {
                // the login guard (bundles/logins) refused before any password was looked at
                request.abortWith(challenge(e.getMessage() + "; try again then"));
                return;
            }
            if (roles == null) {
                request.abortWith(challenge("wrong user name or password"));
                return;
            }
            admit(request, user, roles, SecurityContext.BASIC_AUTH);
        }

        private void admit(ContainerRequestContext request, String user, Set<String> roles, String scheme) {
            if (roles.stream().noneMatch(allowed::contains)) {
                request.abortWith(Problem.of(403, "Forbidden", io.switchboard.api.Roles.refusal(user, allowed)).toResponse());
                return;
            }
            authenticated(request, user, roles, scheme);
        }

        private static void authenticated(ContainerRequestContext request, String user, Set<String> roles, String scheme) {
            boolean secure = request.getSecurityContext().isSecure();
            request.setSecurityContext(new SecurityContext() {
                public Principal getUserPrincipal() { return () -> user; }
                public boolean isUserInRole(String role) { return roles.contains(role); }
                public boolean isSecure() { return secure; }
                public String getAuthenticationScheme() { return scheme; }
            });
        }

        /** The user's roles if the password is right, else null. */
        static Set<String> roles(String user, char[] password) throws javax.security.auth.login.AccountLockedException {
            Subject subject = login(user, password);
            if (subject == null) {
                return null;
            }
            return subject.getPrincipals().stream()
                    .filter(p -> p.getClass().getSimpleName().equals("RolePrincipal"))
                    .map(Principal::getName).collect(Collectors.toSet());
        }

        private static Subject login(String user, char[] password) throws javax.security.auth.login.AccountLockedException {
            Subject subject = new Subject();
            // Karaf's JAAS modules are loaded through its boot classes on the system class path.
            ClassLoader previous = Thread.currentThread().getContextClassLoader();
            Thread.currentThread().setContextClassLoader(ClassLoader.getSystemClassLoader());
            try {
                LoginContext login = new LoginContext(REALM, subject, callbacks -> {
                    for (var callback : callbacks) {
                        if (callback instanceof NameCallback name) {
                            name.setName(user);
                        } else if (callback instanceof PasswordCallback pw) {
                            pw.setPassword(password);
                        } else {
                            throw new UnsupportedCallbackException(callback);
                        }
                    }
                });
                login.login();
                return subject;
            } catch (javax.security.auth.login.AccountLockedException e) {
                throw e;
            } catch (LoginException e) {
                return null;
            } finally {
                Thread.currentThread().setContextClassLoader(previous);
            }
        }

        /**
         * A client that sent a token is told so in its own scheme (RFC 6750), never with a Basic
         * challenge: a browser answers that one with its own login dialog over the desk's page.
         */
        private static Response bearerChallenge(String why) {
            return challenge(why, "Bearer realm=\"switchboard\", error=\"invalid_token\"");
        }

        /** Clients with no credentials, or Basic ones: scripts and {@code curl -u}, which ask for Basic. */
        private static Response challenge(String why) {
            return challenge(why, "Basic realm=\"switchboard\", charset=\"UTF-8\"");
        }

        private static Response challenge(String why, String wwwAuthenticate) {
            return Response.fromResponse(Problem.of(401, "Unauthorized", why).toResponse())
                    .header("WWW-Authenticate", wwwAuthenticate).build();
        }
    }
}
