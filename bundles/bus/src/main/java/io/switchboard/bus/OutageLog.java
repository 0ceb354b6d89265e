package io.switchboard.bus;

import io.switchboard.api.Outage;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * What a periodic task (a {@code timer:} route, a scheduled sweep) says when a tick fails. An
 * {@link Outage} is said once when it begins and once when the task works again, since the next tick
 * is the retry and a stack trace every few seconds while the database is away buries everything else
 * in the log. Any other failure is a bug: logged as an error with its stack trace, but each distinct one
 * at most once a minute, as a task that fails every tick would fail the same way every tick.
 *
 * <p>The periodic-work counterpart of {@link DeadLetters}, which does the same for routes that consume
 * the bus. One per task; a task's ticks may run on any thread.
 */
public final class OutageLog {

    /** One tick of a periodic task. */
    @FunctionalInterface
    public interface Tick {
        void run() throws Exception;
    }

    static final long REPEAT_ERROR_NANOS = Duration.ofMinutes(1).toNanos();
    /** Distinct errors remembered; a task whose messages never repeat must not grow the map without end. */
    private static final int ERRORS_KEPT = 100;
    private static final int CAUSE_CHARS = 200;

    private final Logger log;
    private final String task;
    private final Duration every;
    private final LongSupplier nanoTime;
    private boolean away;
    private long awaySince;
    private final Map<String, Long> errorsSaid = new HashMap<>();

    /**
     * @param log   the task's own logger, so that what it says is where an operator looks for that task
     * @param task  the task's name as an operator knows it, e.g. the route id
     * @param every how often the task runs, which is how soon it tries again
     */
    public OutageLog(Logger log, String task, Duration every) {
        this(log, task, every, System::nanoTime);
    }

    OutageLog(Logger log, String task, Duration every, LongSupplier nanoTime) {
        this.log = log;
        this.task = task;
        this.every = every;
        this.nanoTime = nanoTime;
    }

    /**
     * Runs one tick and says how it went. Never throws: a Camel timer would log the failure again with
     * its trace, and a {@code ScheduledExecutorService} would never run the task again.
     *
     * @return whether the tick worked
     */
    public boolean run(Tick tick) {
        try {
            tick.run();
        } catch (InterruptedException stopping) {
            // the task is being stopped; nothing failed
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception | LinkageError e) {
            // LinkageError: a bundle the tick calls was updated or uninstalled under it
            failed(e);
            return false;
        }
        worked();
        return true;
    }

    /** A tick worked: an outage that was said to have begun is said to be over. */
    public synchronized void worked() {
        if (away) {
            away = false;
            log.info("{}: working again after {} s", task, seconds(nanoTime.getAsLong() - awaySince));
        }
    }

    /** A tick failed with {@code failure}. */
    public synchronized void failed(Throwable failure) {
        long now = nanoTime.getAsLong();
        if (Outage.isOutage(failure)) {
            if (!away) {
                away = true;
                awaySince = now;
                log.warn("{}: {} ({}); trying again every {}", task, what(failure), shortCause(failure), every(every));
            } else {
                log.debug("{}: still failing: {}", task, failure.toString());
            }
            return;
        }
        String said = String.valueOf(failure);
        Long last = errorsSaid.get(said);
        if (last != null && now - last < REPEAT_ERROR_NANOS) {
            log.debug("{}: failed again: {}", task, said);
            return;
        }
        if (errorsSaid.size() >= ERRORS_KEPT) {
            errorsSaid.values().removeIf(at -> now - at >= REPEAT_ERROR_NANOS);
            if (errorsSaid.size() >= ERRORS_KEPT) {
                errorsSaid.clear();
            }
        }
        errorsSaid.put(said, now);
        log.error("{} failed: {}", task, said, failure);
    }

    /** What is away, from the first cause in the chain that tells. */
    static String what(Throwable failure) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = failure; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            if (t instanceof SQLException) {
                return "the database is away";
            }
            String name = t.getClass().getName();
            if (t instanceof BusUnavailableException || name.startsWith("jakarta.jms.")
                    || name.startsWith("org.apache.qpid.jms.") || name.startsWith("org.apache.activemq.")) {
                return "the broker is away";
            }
            if (name.startsWith("java.net.")) {
                return "a remote system is away";
            }
        }
        return "an outage";
    }

    /** The deepest cause, which names what failed rather than who noticed, cut to a line. */
    static String shortCause(Throwable failure) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        Throwable deepest = failure;
        for (Throwable t = failure; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            deepest = t;
        }
        String message = deepest.getMessage();
        String text = deepest.getClass().getSimpleName() + (message == null ? "" : ": " + message.strip());
        text = text.replaceAll("\\s+", " ");
        return text.length() > CAUSE_CHARS ? text.substring(0, CAUSE_CHARS) + "…" : text;
    }

    static String every(Duration every) {
        long millis = every.toMillis();
        if (millis >= 3_600_000 && millis % 3_600_000 == 0) {
            return millis / 3_600_000 + " h";
        }
        if (millis >= 60_000 && millis % 60_000 == 0) {
            return millis / 60_000 + " min";
        }
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    private static long seconds(long nanos) {
        return Math.max(0, Math.round(nanos / 1e9));
    }
}
