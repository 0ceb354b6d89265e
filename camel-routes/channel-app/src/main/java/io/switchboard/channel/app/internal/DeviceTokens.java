package io.switchboard.channel.app.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The tokens a company's app backend signs for its users' devices: JWS compact form with HS256,
 * {@code base64url(header).base64url(claims).base64url(HMAC-SHA256(secret, header.claims))}, claims
 * {@code appId}, {@code userId}, {@code deviceId} and {@code exp} (epoch seconds). Each app has its
 * own secret, so one company cannot speak for another's users.
 */
final class DeviceTokens {

    /** Who a verified token speaks for. */
    record Device(String appId, String userId, String deviceId, long expiresAt) {
        /** {@code <appId>/<userId>}: the address on channel {@code app}. */
        String address() {
            return appId + "/" + userId;
        }

        /** Where the device's replay position is kept and its client message ids are scoped. */
        String key() {
            return appId + "/" + userId + "/" + deviceId;
        }
    }

    /** The token is not one of ours, or no longer valid; the message says which, never the secret. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String reason) {
            super(reason);
        }
    }

    static final String APP_ID = "[A-Za-z0-9_.-]{1,32}";
    static final String USER_ID = "[A-Za-z0-9_.@:+-]{1,64}";
    static final String DEVICE_ID = "[A-Za-z0-9_.:-]{1,64}";
    /** Clock differences between the app backend and us that are forgiven. */
    static final long LEEWAY_SECONDS = 60;

    private static final String HEADER = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
    private static final Pattern STRING_CLAIM = Pattern.compile("\"(appId|userId|deviceId|alg)\"\\s*:\\s*\"([^\"\\\\]*)\"");
    private static final Pattern EXP_CLAIM = Pattern.compile("\"exp\"\\s*:\\s*(\\d{1,12})(?:\\.0+)?\\s*[,}]");

    private final Map<String, byte[]> secrets;
    private final long maxLifetimeSeconds;

    /**
     * @param secrets            per app id, its secret
     * @param maxLifetimeSeconds tokens expiring further ahead than this are refused, so a leaked
     *                           token cannot live for years
     * @throws IllegalArgumentException for a secret shorter than 32 bytes: the channel does not start
     */
    DeviceTokens(Map<String, String> secrets, long maxLifetimeSeconds) {
        Map<String, byte[]> keys = new java.util.HashMap<>();
        secrets.forEach((app, secret) -> {
            byte[] key = secret.getBytes(StandardCharsets.UTF_8);
            if (key.length < 32) {
                // one captured token is enough to guess a short secret offline, and then to speak for every user
                throw new IllegalArgumentException("secret." + app + " is " + key.length
                        + " bytes; at least 32 are required (e.g. openssl rand -base64 32)");
            }
            keys.put(app, key);
        });
        this.secrets = Map.copyOf(keys);
        this.maxLifetimeSeconds = maxLifetimeSeconds;
    }

    boolean knows(String appId) {
        return secrets.containsKey(appId);
    }

    Device verify(String token, long nowSeconds) throws Refused {
        if (token == null || token.isBlank()) {
            throw new Refused("a device token is required");
        }
        String[] parts = token.strip().split("\\.", -1);
        if (parts.length != 3 || token.length() > 4096) {
            throw new Refused("malformed token");
        }
        String header = decode(parts[0]);
        String claims = decode(parts[1]);
        // the algorithm is ours to choose, never the token's: anything but HS256 ("none" included) is refused
        if (!"HS256".equals(claim(header, "alg"))) {
            throw new Refused("token algorithm must be HS256");
        }
        String appId = claim(claims, "appId");
        if (appId == null || !secrets.containsKey(appId)) {
            throw new Refused("unknown appId");
        }
        byte[] expected = mac(secrets.get(appId), parts[0] + "." + parts[1]);
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new Refused("malformed token signature");
        }
        if (!MessageDigest.isEqual(expected, given)) {
            throw new Refused("bad token signature");
        }
        String userId = claim(claims, "userId");
        String deviceId = claim(claims, "deviceId");
        Matcher exp = EXP_CLAIM.matcher(claims);
        if (userId == null || !userId.matches(USER_ID) || deviceId == null || !deviceId.matches(DEVICE_ID)
                || !appId.matches(APP_ID) || !exp.find()) {
            throw new Refused("token claims must be appId, userId, deviceId and exp");
        }
        long expiresAt = Long.parseLong(exp.group(1));
        if (expiresAt + LEEWAY_SECONDS < nowSeconds) {
            throw new Refused("token expired");
        }
        if (expiresAt > nowSeconds + maxLifetimeSeconds + LEEWAY_SECONDS) {
            throw new Refused("token lives too long (at most " + maxLifetimeSeconds + " s)");
        }
        return new Device(appId, userId, deviceId, expiresAt);
    }

    /** What an app backend does (here for tests and the docs' example). */
    static String sign(String secret, String appId, String userId, String deviceId, long exp) {
        String claims = "{\"appId\":\"" + appId + "\",\"userId\":\"" + userId + "\",\"deviceId\":\"" + deviceId
                + "\",\"exp\":" + exp + "}";
        String signingInput = encode(HEADER) + "." + encode(claims);
        return signingInput + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac(secret.getBytes(StandardCharsets.UTF_8), signingInput));
    }

    private static String encode(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String part) throws Refused {
        try {
            return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Refused("malformed token");
        }
    }

    /** The claims are flat strings and one number: a pattern reads them without a JSON provider. */
    private static String claim(String json, String name) {
        Matcher m = STRING_CLAIM.matcher(json);
        String found = null;
        while (m.find()) {
            if (m.group(1).equals(name)) {
                if (found != null) {
                    return null; // a claim given twice is ambiguous: refused by the caller
                }
                found = m.group(2);
            }
        }
        return found;
    }

    private static byte[] mac(byte[] secret, String input) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
