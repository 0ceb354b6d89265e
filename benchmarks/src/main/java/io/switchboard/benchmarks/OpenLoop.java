package io.switchboard.benchmarks;

import java.util.concurrent.locks.LockSupport;

/**
 * Sends at fixed intended times, {@code start + i / rate}, whether or not the earlier sends have been
 * answered: a server that stalls does not slow the offered load down, as a real crowd of visitors
 * would not wait for each other. Each send is handed its intended time, which is what latency is
 * measured from; if this thread itself falls behind (the client shares the machine's cores with the
 * server) the sends go out late but keep their intended times, so the delay still counts.
 */
final class OpenLoop {

    /** Must not block: it only starts an asynchronous send. */
    interface Send {
        void send(long index, long intendedNanos);
    }

    private final Thread thread;
    private volatile boolean stopped;
    private volatile long maxLagNanos;
    private volatile long sends;

    private OpenLoop(String name, double rate, long startNanos, long endNanos, Send send) {
        double interval = 1e9 / rate;
        thread = new Thread(() -> {
            for (long i = 0; !stopped; i++) {
                long intended = startNanos + (long) (i * interval);
                if (intended - endNanos >= 0) {
                    return;
                }
                long wait;
                while ((wait = intended - System.nanoTime()) > 0 && !stopped) {
                    LockSupport.parkNanos(wait);
                }
                long lag = System.nanoTime() - intended;
                if (lag > maxLagNanos) {
                    maxLagNanos = lag;
                }
                try {
                    send.send(i, intended);
                } catch (RuntimeException e) {
                    // counted by the leg as an error of that send; the schedule goes on
                    System.out.println("  send " + i + " failed to start: " + e);
                }
                sends = i + 1;
            }
        }, name);
        thread.setDaemon(true);
    }

    static OpenLoop start(String name, double rate, long startNanos, long endNanos, Send send) {
        OpenLoop loop = new OpenLoop(name, rate, startNanos, endNanos, send);
        loop.thread.start();
        return loop;
    }

    void stop() {
        stopped = true;
        LockSupport.unpark(thread);
    }

    void join() throws InterruptedException {
        thread.join();
    }

    long sends() {
        return sends;
    }

    /** How far behind its schedule the generator ever was: large values mean the client, not the server, was short of CPU. */
    double maxLagMillis() {
        return maxLagNanos / 1e6;
    }
}
