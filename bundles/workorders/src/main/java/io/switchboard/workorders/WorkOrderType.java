package io.switchboard.workorders;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A kind of work order and its state machine, from configuration ({@code etc/io.switchboard.workorder.type-<name>.cfg}).
 * {@code notices} maps a state to what the customer is told on entering it ({@code {number}},
 * {@code {title}}, {@code {assignee}}, {@code {eta}}, {@code {note}} are filled in); states without
 * one are internal. Entering {@code surveyState} sends {@code surveyText} when it is not empty.
 */
public record WorkOrderType(String name, String title, List<String> states, String initial,
                            Map<String, Set<String>> transitions, Set<String> terminal, Map<String, String> notices,
                            int dueMinutes, String escalateTo, String surveyState, String surveyText) {

    public WorkOrderType {
        states = List.copyOf(states);
        transitions = Map.copyOf(transitions);
        terminal = Set.copyOf(terminal);
        notices = Map.copyOf(notices);
    }

    public boolean allows(String from, String to) {
        return transitions.getOrDefault(from, Set.of()).contains(to);
    }
}
