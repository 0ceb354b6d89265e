package io.switchboard.channel.email.internal;

import java.util.Locale;
import java.util.Properties;

/**
 * Where a mail server is and how to talk to it. {@code security}: {@code ssl} (TLS from the first
 * byte: IMAPS 993, SMTPS 465), {@code starttls} (plain connection upgraded, required: IMAP 143,
 * submission 587) or {@code none} (tests, a relay on localhost).
 */
record MailServer(String host, int port, String security, String username, String password,
                  int timeoutSeconds, boolean trustAll) {

    MailServer {
        security = security == null || security.isBlank() ? "ssl" : security.strip().toLowerCase(Locale.ROOT);
        if (!security.equals("ssl") && !security.equals("starttls") && !security.equals("none")) {
            throw new IllegalArgumentException("security must be ssl, starttls or none, not " + security);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    boolean configured() {
        return host != null && !host.isBlank();
    }

    boolean ssl() {
        return security.equals("ssl");
    }

    /** Session properties for {@code protocol} (imap, imaps, smtp, smtps). */
    Properties properties(String protocol) {
        Properties p = new Properties();
        String prefix = "mail." + protocol + ".";
        String ms = String.valueOf(Math.max(1, timeoutSeconds) * 1000L);
        p.setProperty(prefix + "connectiontimeout", ms);
        p.setProperty(prefix + "timeout", ms);
        p.setProperty(prefix + "writetimeout", ms);
        if (security.equals("starttls")) {
            p.setProperty(prefix + "starttls.enable", "true");
            p.setProperty(prefix + "starttls.required", "true");
        }
        if (!security.equals("none")) {
            p.setProperty(prefix + "ssl.checkserveridentity", String.valueOf(!trustAll));
            if (trustAll) {
                p.setProperty(prefix + "ssl.trust", "*");
            }
            p.setProperty(prefix + "ssl.protocols", "TLSv1.3 TLSv1.2");
        }
        return p;
    }

    @Override
    public String toString() {
        // it is logged: never the password, nor the login, which is usually a mail address
        return host + ":" + port + " (" + security + ")";
    }
}
