package io.switchboard.benchmarks;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * One offered rate of one leg: a warm-up, then the measured window. Every send is registered under
 * the id that will come back (the stored message's id, the reply's id) with its intended time; its
 * arrival records arrival minus intended time. Only sends intended inside the measured window are in
 * the histogram; every arrival inside the window counts toward the achieved rate.
 */
final class Window {

    /** A send not yet seen arriving. */
    record Sent(Window window, long intendedNanos) {
    }

    /** Arrivals this much later than intended mean the server is not keeping up at all. */
    static final long STUCK_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** What may still arrive after the window without counting as backlog. */
    static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** Longest wait for a backlog to drain before the next rate (or the end): what is left is lost. */
    static final long DRAIN_LIMIT_NANOS = TimeUnit.MINUTES.toNanos(10);
    /** When the profile starts before the measured window: its jcmd's own CPU falls into the warm-up. */
    static final long PROFILE_LEAD_NANOS = TimeUnit.SECONDS.toNanos(2);

    final String leg;
    final double offered;
    private final Map<String, Sent> pending;
    private final ServerJvm jvm;
    private final LongSupplier queueDepth;
    private final long warmupStart;
    private final long measureStart;
    private volatile long measureEnd;

    private final Histogram latencyMicros = new Histogram(TimeUnit.MINUTES.toMicros(30), 3);
    private final LongAdder storedInWindow = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final Map<String, LongAdder> errorKinds = new ConcurrentHashMap<>();
    private long cpuStart;
    private long cpuEnd;
    private long depthStart = -1;
    private long depthEnd = -1;
    private boolean aborted;
    private long late;
    private long lost;
    private double generatorLagMillis;

    /**
     * @param pending    the leg's sends not yet arrived, keyed by the id that comes back
     * @param queueDepth the depth of the queue work waits in, or null if the leg has none to read
     */
    Window(String leg, double offered, Duration warmup, Duration measure, Map<String, Sent> pending, ServerJvm jvm,
           LongSupplier queueDepth) {
        this.leg = leg;
        this.offered = offered;
        this.pending = pending;
        this.jvm = jvm;
        this.queueDepth = queueDepth;
        this.warmupStart = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        this.measureStart = warmupStart + warmup.toNanos();
        this.measureEnd = measureStart + measure.toNanos();
    }

    void sent(String id, long intendedNanos) {
        pending.put(id, new Sent(this, intendedNanos));
    }

    /** A send the server refused or that never reached it: counted, and never waited for. */
    void failed(String id, String why) {
        pending.remove(id);
        errors.increment();
        errorKinds.computeIfAbsent(why, k -> new LongAdder()).increment();
    }

    /** An id came back at {@code arrivedNanos}; ids of other sends (or seen twice) are ignored. */
    static void arrived(Map<String, Sent> pending, String id, long arrivedNanos) {
        Sent sent = pending.remove(id);
        if (sent != null) {
            sent.window.record(sent.intendedNanos, arrivedNanos);
        }
    }

    private void record(long intended, long arrived) {
        long end = measureEnd;
        if (arrived - measureStart >= 0 && arrived - end < 0) {
            storedInWindow.increment();
        }
        if (intended - measureStart >= 0 && intended - end < 0) {
            synchronized (latencyMicros) {
                latencyMicros.recordValue(Math.min(latencyMicros.getHighestTrackableValue(), Math.max(0, (arrived - intended) / 1000)));
            }
        }
    }

    /**
     * Offers the rate until the window ends (or the server is clearly overwhelmed), then gives the
     * stragglers the grace period, counts what is still missing as late, and waits for the backlog to
     * drain so the next rate starts clean.
     *
     * @param beforeMeasure run just before the measured window (a profile starts there), or null
     * @param afterMeasure  run as soon as the measured window is over, or null
     */
    Window run(OpenLoop.Send send, Runnable beforeMeasure, Runnable afterMeasure) throws InterruptedException {
        OpenLoop loop = OpenLoop.start("open-loop-" + leg + "-" + (long) offered, offered, warmupStart, measureEnd, send);
        boolean prepared = beforeMeasure == null;
        boolean measuring = false;
        long prepareAt = Math.max(warmupStart, measureStart - PROFILE_LEAD_NANOS);
        while (System.nanoTime() - measureEnd < 0) {
            long now = System.nanoTime();
            long next = Math.min(now + TimeUnit.MILLISECONDS.toNanos(500), measureEnd);
            if (!prepared) {
                next = Math.min(next, prepareAt);
            }
            if (!measuring) {
                next = Math.min(next, measureStart);
            }
            sleepUntil(next);
            now = System.nanoTime();
            if (!prepared && now - prepareAt >= 0) {
                beforeMeasure.run();
                prepared = true;
            }
            if (!measuring && now - measureStart >= 0) {
                cpuStart = jvm.cpuNanos();
                depthStart = queueDepth == null ? -1 : queueDepth.getAsLong();
                measuring = true;
            }
            if (overwhelmed(loop.sends())) {
                aborted = true;
                measureEnd = Math.max(measureStart, System.nanoTime());
                break;
            }
        }
        loop.stop();
        loop.join();
        generatorLagMillis = loop.maxLagMillis();
        if (measuring) {
            cpuEnd = jvm.cpuNanos();
            depthEnd = queueDepth == null ? -1 : queueDepth.getAsLong();
        }
        if (prepared && afterMeasure != null) {
            afterMeasure.run();
        }
        sleepUntil(measureEnd + GRACE_NANOS);
        late = waiting();
        drain();
        return this;
    }

    /**
     * At least a second's worth of offered sends (and 1 % of all so far) has waited more than
     * {@link #STUCK_NANOS}: p99 is lost already, and every further second only grows the backlog that
     * has to drain before anything else can be measured.
     */
    private boolean overwhelmed(long sendsSoFar) {
        long stuckBefore = System.nanoTime() - STUCK_NANOS;
        long stuck = pending.values().stream().filter(s -> s.window == this && s.intendedNanos - stuckBefore < 0).count();
        return stuck > Math.max(offered, sendsSoFar / 100.0);
    }

    private long waiting() {
        return pending.values().stream().filter(s -> s.window == this).count();
    }

    private void drain() throws InterruptedException {
        long deadline = System.nanoTime() + DRAIN_LIMIT_NANOS;
        long nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long left;
        while ((left = waiting()) > 0 && System.nanoTime() - deadline < 0) {
            if (System.nanoTime() - nextReport >= 0) {
                System.out.printf("  %s at %.0f/s: draining, %d still to arrive%n", leg, offered, left);
                nextReport += TimeUnit.SECONDS.toNanos(10);
            }
            Thread.sleep(200);
        }
        lost = left;
        pending.values().removeIf(s -> s.window == this);
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long wait;
        while ((wait = nanos - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    double measuredSeconds() {
        return Math.max(0, measureEnd - measureStart) / 1e9;
    }

    long stored() {
        return storedInWindow.sum();
    }

    double achievedRate() {
        double s = measuredSeconds();
        return s > 0 ? stored() / s : 0;
    }

    long errors() {
        return errors.sum();
    }

    long count() {
        synchronized (latencyMicros) {
            return latencyMicros.getTotalCount();
        }
    }

    /** In ms; NaN when nothing was measured. */
    double percentile(double p) {
        synchronized (latencyMicros) {
            return latencyMicros.getTotalCount() == 0 ? Double.NaN : latencyMicros.getValueAtPercentile(p) / 1000.0;
        }
    }

    double maxMillis() {
        synchronized (latencyMicros) {
            return latencyMicros.getTotalCount() == 0 ? Double.NaN : latencyMicros.getMaxValue() / 1000.0;
        }
    }

    /** Server CPU per arrival in the measured window, ms; NaN without arrivals. */
    double cpuMillisPerArrival() {
        return stored() == 0 ? Double.NaN : (cpuEnd - cpuStart) / 1e6 / stored();
    }

    boolean aborted() {
        return aborted;
    }

    /** The queue grew by more than a second's worth of offered load over the window. */
    boolean queueGrew() {
        return depthStart >= 0 && depthEnd >= 0 && depthEnd - depthStart > offered;
    }

    boolean backlogGrew() {
        return aborted || late > 0 || lost > 0 || queueGrew();
    }

    /** Kept up: p99 under a second, nothing refused, nothing left over. */
    boolean sustained() {
        return count() > 0 && !backlogGrew() && errors() == 0 && percentile(99) < 1000;
    }

    /** So far behind that higher rates would only take long and say nothing new. */
    boolean failed() {
        return aborted || late > offered * 5 || lost > 0 || !(percentile(99) <= 10_000);
    }

    static String header() {
        return String.format("%-8s %8s %9s %9s %9s %9s %9s %9s %7s %7s %8s %10s  %s", "leg", "offered", "achieved",
                "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "errors", "late", "lost", "cpu ms/msg", "backlog");
    }

    String row() {
        String backlog = aborted ? "GREW (aborted: " + Window.STUCK_NANOS / 1_000_000_000 + " s behind)"
                : backlogGrew() ? "GREW" : "no";
        if (depthStart >= 0) {
            backlog += " (queue " + depthStart + " -> " + depthEnd + ")";
        }
        if (generatorLagMillis > 50) {
            backlog += String.format(" [generator up to %.0f ms behind its schedule]", generatorLagMillis);
        }
        return String.format("%-8s %8.0f %9.1f %9.1f %9.1f %9.1f %9.1f %9.1f %7d %7d %8d %10.2f  %s", leg, offered,
                achievedRate(), percentile(50), percentile(90), percentile(99), percentile(99.9), maxMillis(), errors(),
                late, lost, cpuMillisPerArrival(), backlog);
    }

    /** What the errors were, e.g. {@code HTTP 429 x12}; empty without errors. */
    String errorKinds() {
        Map<String, Long> sorted = new TreeMap<>();
        errorKinds.forEach((k, v) -> sorted.put(k, v.sum()));
        StringBuilder b = new StringBuilder();
        sorted.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(" x").append(v));
        return b.toString();
    }
}
