package io.switchboard.proactive.internal;

import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

/**
 * One proactive rule per factory configuration {@code etc/io.switchboard.proactive.rule-<name>.cfg}:
 * which business event it answers, what the customer is told, on which channel, when not, and with
 * what consent. Adding a file adds a rule; no restart.
 */
@Component(configurationPid = "io.switchboard.proactive.rule", configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = Rule.class)
public class Rule {

    /** {@code service}: goes unless the customer opted out; {@code marketing}: only to those who opted in. */
    enum Category { SERVICE, MARKETING }

    private final String name;
    private final String event;
    private final String text;
    private final String channel;
    private final QuietHours quiet;
    private final Category category;
    private final String reason;

    @Activate
    public Rule(Map<String, Object> config) {
        this(value(config, "name"), value(config, "event"), value(config, "text"), value(config, "channel"),
                QuietHours.parse(value(config, "quietHours"), value(config, "zone")),
                Category.valueOf(orElse(value(config, "category"), "service").toUpperCase(java.util.Locale.ROOT)),
                value(config, "reason"));
    }

    Rule(String name, String event, String text, String channel, QuietHours quiet, Category category, String reason) {
        if (name == null || !name.matches("[a-z][a-z0-9_-]{0,59}")) {
            throw new IllegalArgumentException("a proactive rule needs a name of lower-case letters, digits, _ or -: " + name);
        }
        if (event == null || text == null) {
            throw new IllegalArgumentException("rule " + name + " needs event and text");
        }
        this.name = name;
        this.event = event;
        this.text = text;
        this.channel = channel;
        this.quiet = quiet;
        this.category = category;
        this.reason = reason == null ? "{type} (rule " + name + ")" : reason;
    }

    /** What the timeline says the push was for, so the agent who takes the call knows. */
    String reason(String type, Map<String, String> data) {
        java.util.Map<String, String> all = new java.util.HashMap<>(data);
        all.put("type", type);
        return fill(reason, all);
    }

    String name() {
        return name;
    }

    String event() {
        return event;
    }

    String channel() {
        return channel;
    }

    QuietHours quiet() {
        return quiet;
    }

    Category category() {
        return category;
    }

    /** The text with the event's facts: {@code {flight}} becomes data's flight; unknown ones vanish. */
    String text(Map<String, String> data) {
        return fill(text, data);
    }

    private static String fill(String template, Map<String, String> data) {
        String out = template;
        for (Map.Entry<String, String> e : data.entrySet()) {
            out = out.replace("{" + e.getKey() + "}", e.getValue() == null ? "" : e.getValue());
        }
        return out.replaceAll("\\{[A-Za-z0-9_.]+\\}", "").trim();
    }

    /** Whether a customer with these tags may be sent this rule's messages. */
    boolean consented(java.util.List<String> tags) {
        if (tags.contains("optout:all")) {
            return false;
        }
        return category == Category.MARKETING ? tags.contains("optin:marketing") : !tags.contains("optout:service");
    }

    private static String value(Map<String, Object> config, String key) {
        Object v = config.get(key);
        return v == null || v.toString().isBlank() ? null : v.toString().trim();
    }

    private static String orElse(String v, String fallback) {
        return v == null ? fallback : v;
    }
}
