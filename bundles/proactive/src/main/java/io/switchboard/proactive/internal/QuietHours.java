package io.switchboard.proactive.internal;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * Hours in the customer's zone when nobody is woken by a message, e.g. 22:00-08:00 (across
 * midnight) or 12:00-13:30. A message due inside them waits until they end.
 */
record QuietHours(LocalTime start, LocalTime end, ZoneId zone) {

    static QuietHours parse(String range, String zone) {
        if (range == null || range.isBlank()) {
            return null;
        }
        String[] ends = range.trim().split("\\s*-\\s*");
        if (ends.length != 2) {
            throw new IllegalArgumentException("quiet hours are HH:MM-HH:MM, not " + range);
        }
        return new QuietHours(LocalTime.parse(ends[0]), LocalTime.parse(ends[1]),
                ZoneId.of(zone == null || zone.isBlank() ? "Asia/Shanghai" : zone.trim()));
    }

    boolean covers(LocalTime t) {
        if (start.equals(end)) {
            return false;
        }
        return start.isBefore(end) ? !t.isBefore(start) && t.isBefore(end) : !t.isBefore(start) || t.isBefore(end);
    }

    /** {@code at}, or the end of the quiet hours it falls in. */
    Instant nextAllowed(Instant at) {
        ZonedDateTime local = at.atZone(zone);
        if (!covers(local.toLocalTime())) {
            return at;
        }
        ZonedDateTime endToday = local.with(end).withSecond(0).withNano(0);
        return (endToday.isAfter(local) ? endToday : endToday.plusDays(1)).toInstant();
    }
}
