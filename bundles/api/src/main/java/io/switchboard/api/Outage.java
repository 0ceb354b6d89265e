package io.switchboard.api;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A failure that heals by itself: the database, the broker or a remote system away or too slow for a
 * while. The one judge of whether a failed message is tried again later or dead-lettered now: a route's
 * error handler ({@code DeadLetters}) and the bus' batch consumer retry an outage with back-off for a
 * configured time; anything else (an unreadable message, a business refusal, a bug) is dead-lettered
 * after a few quick attempts, since trying it again changes nothing.
 *
 * <p>An exception says it is one by implementing this interface; {@link #isOutage(Throwable)} also
 * knows the JDK's and JDBC's own signs of one, anywhere in the chain of causes.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface Outage {

    /**
     * SQLSTATE classes and codes of a database that is away, restarting, overloaded or timed out, not of
     * a wrong statement: 08 connection exception, 53 insufficient resources, 57P01-57P03 PostgreSQL shut
     * down or not yet accepting, 57014 a statement cancelled by its timeout, 40001 and 40P01 a
     * transaction that lost a race and may run again, HYT00 H2's lock and query timeout.
     */
    Set<String> SQL_STATES = Set.of("57P01", "57P02", "57P03", "57014", "40001", "40P01", "HYT00");

    /** Whether {@code failure}, or anything that caused it, is an outage that heals by itself. */
    static boolean isOutage(Throwable failure) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = failure; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            if (t instanceof Outage
                    || t instanceof SQLTransientException
                    || t instanceof SQLRecoverableException
                    || t instanceof java.net.SocketException
                    || t instanceof java.net.SocketTimeoutException
                    || t instanceof java.net.UnknownHostException
                    || t instanceof java.net.http.HttpTimeoutException
                    || t instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
            if (t instanceof SQLException sql && isOutage(sql)) {
                return true;
            }
            // the broker away: a JMS provider's own connection failures (this bundle imports no JMS API)
            String name = t.getClass().getName();
            if (name.equals("jakarta.jms.JMSException") || name.equals("jakarta.jms.IllegalStateException")
                    || name.equals("jakarta.jms.ResourceAllocationException")
                    || name.equals("jakarta.jms.TransactionRolledBackException")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isOutage(SQLException sql) {
        String state = sql.getSQLState();
        if (state != null && (state.startsWith("08") || state.startsWith("53") || SQL_STATES.contains(state))) {
            return true;
        }
        // a connection pool that waited its bounded time for a free connection (DBCP2 says so with
        // commons-pool's NoSuchElementException and no SQLSTATE): the database is too slow or away
        return state == null && sql.getCause() instanceof java.util.NoSuchElementException;
    }
}
