package io.switchboard.workorders.internal;

import io.switchboard.workorders.WorkOrderType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

/**
 * One work-order type per factory configuration {@code etc/io.switchboard.workorder.type-<name>.cfg}:
 * an operator adds a type by adding a file, and edits one without a restart.
 */
@Component(configurationPid = "io.switchboard.workorder.type", configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = TypeDefinition.class)
public class TypeDefinition {

    private final WorkOrderType type;

    @Activate
    public TypeDefinition(Map<String, Object> config) {
        this.type = parse(config);
    }

    WorkOrderType type() {
        return type;
    }

    /**
     * {@code states} a comma list, the first the initial one unless {@code initial} says; {@code transitions}
     * {@code from>to} pairs ({@code *>to}: from any state not terminal); {@code terminal} a comma list;
     * {@code notify.<state>} what the customer is told; {@code dueMinutes}, {@code escalateTo},
     * {@code surveyState}, {@code surveyText}.
     */
    static WorkOrderType parse(Map<String, ?> config) {
        String name = text(config, "name", null);
        if (name == null || !name.matches("[a-z][a-z0-9_-]{0,59}")) {
            throw new IllegalArgumentException("work-order type needs a name of lower-case letters, digits, _ or -: " + name);
        }
        List<String> states = list(text(config, "states", ""));
        if (states.isEmpty()) {
            throw new IllegalArgumentException("type " + name + " has no states");
        }
        for (String s : states) {
            if (!s.matches("[a-z][a-z0-9_]{0,59}")) {
                throw new IllegalArgumentException("type " + name + ": bad state name " + s);
            }
        }
        String initial = text(config, "initial", states.get(0));
        Set<String> terminal = new LinkedHashSet<>(list(text(config, "terminal", "")));
        Map<String, Set<String>> transitions = new LinkedHashMap<>();
        for (String pair : list(text(config, "transitions", ""))) {
            String[] ends = pair.split(">");
            if (ends.length != 2) {
                throw new IllegalArgumentException("type " + name + ": transition " + pair + " is not from>to");
            }
            String from = ends[0].trim();
            String to = ends[1].trim();
            List<String> froms = new ArrayList<>();
            if (from.equals("*")) {
                states.stream().filter(s -> !terminal.contains(s) && !s.equals(to)).forEach(froms::add);
            } else {
                froms.add(from);
            }
            for (String f : froms) {
                if (!states.contains(f) || !states.contains(to)) {
                    throw new IllegalArgumentException("type " + name + ": transition " + pair + " names an unknown state");
                }
                transitions.computeIfAbsent(f, k -> new LinkedHashSet<>()).add(to);
            }
        }
        Map<String, String> notices = new LinkedHashMap<>();
        config.forEach((key, value) -> {
            if (key.startsWith("notify.") && value != null && !value.toString().isBlank()) {
                String state = key.substring("notify.".length());
                if (!states.contains(state)) {
                    throw new IllegalArgumentException("type " + name + ": " + key + " names an unknown state");
                }
                notices.put(state, value.toString().trim());
            }
        });
        if (!states.contains(initial) || !states.containsAll(terminal)) {
            throw new IllegalArgumentException("type " + name + ": initial or terminal names an unknown state");
        }
        String surveyState = text(config, "surveyState", terminal.isEmpty() ? null : terminal.iterator().next());
        return new WorkOrderType(name, text(config, "title", name), states, initial, transitions, terminal, notices,
                Integer.parseInt(text(config, "dueMinutes", "0")), text(config, "escalateTo", null), surveyState,
                text(config, "surveyText", ""));
    }

    private static String text(Map<String, ?> config, String key, String fallback) {
        Object value = config.get(key);
        return value == null || value.toString().isBlank() ? fallback : value.toString().trim();
    }

    private static List<String> list(String text) {
        List<String> all = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                all.add(part.trim());
            }
        }
        return all;
    }
}
