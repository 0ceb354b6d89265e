package io.switchboard.channel.wechat.internal;

import java.net.URI;
import java.time.Instant;
import java.util.Locale;

/**
 * The account as configured in {@code etc/io.switchboard.channel.wechat.cfg}, checked once at
 * activation so a typo fails the component there (and in the log) instead of every push.
 */
record Settings(String account, String token, String appId, String appSecret, String encodingAesKey, Mode mode,
                URI apiBase, int maxBodyBytes, int ratePerMinute, int ipRatePerMinute, Instant clearPushesUntil) {

    /** The "message encryption method" chosen in WeChat's console. */
    enum Mode {
        /** 明文模式: pushes in the clear, signed. */
        PLAIN,
        /**
         * 兼容模式: WeChat sends both, and the channel takes the encrypted copy. A push in the clear
         * alone is accepted only until {@link #clearPushesUntil}, the moment an operator allows for a
         * switch of encryption mode: outside that, anyone holding one signed URL could send one.
         */
        COMPATIBLE,
        /** 安全模式: encrypted only; a clear push is refused. */
        SAFE
    }

    Settings {
        account = account == null ? "" : account.strip();
        if (!account.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("account must be 1-64 letters, digits, _ or -: it is part of the URL");
        }
        token = token == null ? "" : token.strip();
        if (!token.isEmpty() && !token.matches("[A-Za-z0-9]{3,32}")) {
            throw new IllegalArgumentException("token must be 3-32 letters or digits, as WeChat's console requires");
        }
        appId = appId == null ? "" : appId.strip();
        appSecret = appSecret == null ? "" : appSecret.strip();
        encodingAesKey = encodingAesKey == null ? "" : encodingAesKey.strip();
        if (mode != Mode.PLAIN) {
            // fails here if the key or the AppID is missing or malformed
            new MessageCipher(encodingAesKey, appId);
        }
        if (apiBase == null || !("https".equals(apiBase.getScheme()) || "http".equals(apiBase.getScheme()))
                || apiBase.getHost() == null) {
            throw new IllegalArgumentException("apiBase must be an http(s) URL, e.g. https://api.weixin.qq.com");
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("maxBodyBytes below 1024 would refuse WeChat's own pushes");
        }
    }

    static Settings from(WechatChannel.Config c) {
        Mode mode;
        try {
            mode = Mode.valueOf(c.mode().strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("mode must be plain, compatible or safe, not " + c.mode());
        }
        String base = c.apiBase().strip();
        return new Settings(c.account(), c.token(), c.appId(), c.appSecret(), c.encodingAesKey(), mode,
                URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base),
                c.maxBodyBytes(), c.ratePerMinute(), c.ipRatePerMinute(), instant(c.clearPushesUntil()));
    }

    private static Instant instant(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.strip());
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("clearPushesUntil must be an ISO-8601 instant such as 2026-12-31T16:00:00Z, not " + value);
        }
    }

    /** Pushes can be checked only with the token WeChat signs them with. */
    boolean canReceive() {
        return !token.isEmpty();
    }

    /** Sending needs an access token, which needs the AppID and AppSecret. */
    boolean canSend() {
        return !appId.isEmpty() && !appSecret.isEmpty();
    }

    /** Without the secrets: settings end up in logs. */
    @Override
    public String toString() {
        return "Settings[account=" + account + ", appId=" + appId + ", mode=" + mode
                + (mode == Mode.COMPATIBLE && clearPushesUntil != null ? " (clear pushes until " + clearPushesUntil + ")" : "")
                + ", apiBase=" + apiBase
                + ", token " + (token.isEmpty() ? "unset" : "set") + ", appSecret " + (appSecret.isEmpty() ? "unset" : "set")
                + ", maxBodyBytes=" + maxBodyBytes + ", ratePerMinute=" + ratePerMinute
                + ", ipRatePerMinute=" + ipRatePerMinute + "]";
    }

    MessageCipher cipher() {
        return mode == Mode.PLAIN ? null : new MessageCipher(encodingAesKey, appId);
    }
}
