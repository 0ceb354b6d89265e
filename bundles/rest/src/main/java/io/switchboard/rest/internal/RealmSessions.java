package io.switchboard.rest.internal;

import io.switchboard.rest.Sessions;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Tokens are {@code base64url(user|roles|expiry).base64url(HMAC-SHA256)}: the server keeps no
 * session table, so any number of agents cost nothing until they call. The key is made at
 * activation unless {@code etc/io.switchboard.sessions.cfg} gives one (needed when several servers
 * share agents); a new key ends every session, which is what a restart should do without one.
 */
@Component(configurationPid = "io.switchboard.sessions")
@Designate(ocd = RealmSessions.Config.class)
public class RealmSessions implements Sessions {

    @ObjectClassDefinition(name = "Switchboard agent sessions")
    public @interface Config {
        @AttributeDefinition(description = "Hours a login lasts")
        int hours() default 12;

        @AttributeDefinition(type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD,
                description = "Base64 HMAC key (at least 32 bytes) shared by servers behind one balancer; empty: a fresh one per start")
        String key() default "";
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RealmSessions.class);

    private final byte[] key;
    private final Duration lifetime;
    /** Where revoked tokens are kept; null: none are (tests of the tokens alone). */
    private final io.switchboard.store.Store store;

    @Activate
    public RealmSessions(Config config, @org.osgi.service.component.annotations.Reference io.switchboard.store.Store store) {
        this(config.key().isBlank() ? random() : Base64.getDecoder().decode(config.key().strip()),
                Duration.ofHours(Math.max(1, config.hours())), store);
    }

    RealmSessions(byte[] key, Duration lifetime) {
        this(key, lifetime, null);
    }

    RealmSessions(byte[] key, Duration lifetime, io.switchboard.store.Store store) {
        this.store = store;
        if (key.length < 32) {
            throw new IllegalArgumentException("a session key needs at least 32 bytes");
        }
        this.key = key.clone();
        this.lifetime = lifetime;
    }

    private static byte[] random() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    @Override
    public Optional<Session> login(String user, char[] password) {
        if (user == null || user.isBlank() || password == null || user.contains("|")) {
            return Optional.empty();
        }
        Set<String> roles;
        try {
            roles = RealmLogin.Check.roles(user, password);
        } catch (javax.security.auth.login.AccountLockedException e) {
            return Optional.empty();
        }
        if (roles == null || roles.stream().noneMatch(io.switchboard.api.Roles.ALL::contains)) {
            return Optional.empty();
        }
        return Optional.of(issue(user, roles, Instant.now().plus(lifetime)));
    }

    Session issue(String user, Set<String> roles, Instant expires) {
        Set<String> kept = new TreeSet<>(roles);
        kept.retainAll(io.switchboard.api.Roles.ALL);
        String payload = user + "|" + String.join(",", kept) + "|" + expires.getEpochSecond();
        String token = encode(payload.getBytes(StandardCharsets.UTF_8)) + "." + encode(sign(payload));
        return new Session(user, Set.copyOf(kept), Instant.ofEpochSecond(expires.getEpochSecond()), token);
    }

    @Override
    public Optional<Session> verify(String token) {
        if (token == null) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot < 1 || token.length() > 2048) {
            return Optional.empty();
        }
        try {
            String payload = new String(Base64.getUrlDecoder().decode(token.substring(0, dot)), StandardCharsets.UTF_8);
            byte[] signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
            if (!MessageDigest.isEqual(signature, sign(payload))) {
                return Optional.empty();
            }
            String[] fields = payload.split("\\|", -1);
            Instant expires = Instant.ofEpochSecond(Long.parseLong(fields[2]));
            if (fields.length != 3 || !Instant.now().isBefore(expires)) {
                return Optional.empty();
            }
            if (revoked(token)) {
                return Optional.empty();
            }
            Set<String> roles = fields[1].isEmpty() ? Set.of() : Set.copyOf(Arrays.asList(fields[1].split(",")));
            return Optional.of(new Session(fields[0], roles, expires, token));
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }

    @Override
    public void revoke(String token) {
        Optional<Session> session = verify(token);
        if (session.isEmpty() || store == null) {
            return;
        }
        java.time.OffsetDateTime now = Instant.now().atOffset(java.time.ZoneOffset.UTC);
        store.inTransaction(s -> {
            // the ones that expired meanwhile go: the table only ever holds logins that could still be used
            try (java.sql.PreparedStatement ps = s.connection().prepareStatement("DELETE FROM sb_revoked_token WHERE expires_at < ?")) {
                ps.setObject(1, now);
                ps.executeUpdate();
            }
            try (java.sql.PreparedStatement ps = s.connection().prepareStatement(
                    "INSERT INTO sb_revoked_token (token_hash, expires_at) VALUES (?, ?)")) {
                ps.setString(1, hash(token));
                ps.setObject(2, session.get().expiresAt().atOffset(java.time.ZoneOffset.UTC));
                ps.executeUpdate();
            }
            return null;
        });
    }

    private boolean revoked(String token) {
        if (store == null) {
            return false;
        }
        try {
            return store.inTransaction(s -> {
                try (java.sql.PreparedStatement ps = s.connection().prepareStatement(
                        "SELECT 1 FROM sb_revoked_token WHERE token_hash = ?")) {
                    ps.setString(1, hash(token));
                    try (java.sql.ResultSet rs = ps.executeQuery()) {
                        return rs.next();
                    }
                }
            });
        } catch (RuntimeException e) {
            // the database away: the desk cannot work anyway, and a logout is not worth logging everyone out
            LOG.warn("Cannot look up revoked logins: {}", e.toString());
            return false;
        }
    }

    /** Only a hash is kept: the table never holds a login someone could use. */
    private static String hash(String token) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * One keyed Mac per thread: every agent's call verifies its token, and looking the algorithm up
     * and keying it each time was a twentieth of an agent's reply in a profile.
     */
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::keyedMac);

    private Mac keyedMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private byte[] sign(String payload) {
        // doFinal leaves the Mac reset with its key, ready for the thread's next token
        return macs.get().doFinal(payload.getBytes(StandardCharsets.UTF_8));
    }

    private static String encode(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
