package io.switchboard.workorders;

import java.time.Instant;
import java.util.Map;

/** One entry of a work order's history, oldest first: who did what when. */
public record WorkOrderChange(String id, String workOrderId, Instant time, String by, Kind kind, String fromState,
                              String toState, String note, Map<String, String> data) {

    public enum Kind { CREATED, STATE, ASSIGNED, NOTE, ATTACHMENT, ESCALATED, RATED, REFERENCED }

    public WorkOrderChange {
        data = data == null ? Map.of() : Map.copyOf(data);
    }
}
