package io.switchboard.bus.internal;

import io.switchboard.bus.BusGrants;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A plugin's broker login. The password is derived from the platform bus password rather than stored:
 * the bus bundle can open a plugin's connection after any restart without keeping a second secret, and
 * a plugin can never compute another plugin's password because it never sees the platform one.
 */
public final class PluginCredentials {

    /** The plugin id of the packaging contract; it becomes part of a user and a role name. */
    public static final Pattern PLUGIN_ID = Pattern.compile("[a-z0-9][a-z0-9-]{1,62}");

    private PluginCredentials() {
    }

    public static String user(String plugin) {
        return BusGrants.userOf(checked(plugin));
    }

    /** HMAC-SHA256 keyed with the platform password over {@code plugin.<id>}, base64url without padding. */
    public static String password(String platformPassword, String plugin) {
        if (platformPassword == null || platformPassword.isEmpty()) {
            throw new IllegalStateException("the platform bus password is not configured (io.switchboard.bus password)");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(platformPassword.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal(user(plugin).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    static String checked(String plugin) {
        if (plugin == null || !PLUGIN_ID.matcher(plugin).matches()) {
            throw new IllegalArgumentException("not a plugin id (" + PLUGIN_ID.pattern() + "): " + plugin);
        }
        return plugin;
    }
}
