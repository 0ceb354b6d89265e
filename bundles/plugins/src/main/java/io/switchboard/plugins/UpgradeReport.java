package io.switchboard.plugins;

/**
 * How an upgrade or a rollback went.
 *
 * @param drainMillis  from suspending the old version's consumers until its in-flight exchanges were done
 * @param pauseMillis  from suspending the old version until the new one's routes had started: the time
 *                     messages waited on the bus
 */
public record UpgradeReport(String id, String from, String to, long drainMillis, long pauseMillis, Installation installed) {
}
