package io.switchboard.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** A periodic task says an outage once when it begins and once when it heals; a bug, with its trace, at most once a minute. */
class OutageLogTest {

    record Line(String level, String text, Throwable trace) {
    }

    final List<Line> lines = new ArrayList<>();
    final AtomicLong clock = new AtomicLong(1_000_000_000L);
    final OutageLog log = new OutageLog(recording(), "flows-sweep", Duration.ofSeconds(5), clock::get);

    static RuntimeException databaseAway() {
        return new IllegalStateException("reading flows failed", new SQLException("Connection to localhost:5432 refused", "08001",
                new ConnectException("Connection refused")));
    }

    @Test
    void anOutageIsSaidOnceWhenItBeginsAndOnceWhenItHeals() {
        assertTrue(log.run(() -> { }));
        for (int tick = 0; tick < 6; tick++) {
            clock.addAndGet(Duration.ofSeconds(5).toNanos());
            assertFalse(log.run(() -> {
                throw databaseAway();
            }));
        }
        clock.addAndGet(Duration.ofSeconds(5).toNanos());
        assertTrue(log.run(() -> { }));
        assertTrue(log.run(() -> { }));

        List<Line> said = above("DEBUG");
        assertEquals(2, said.size(), said.toString());
        assertEquals(new Line("WARN", "flows-sweep: the database is away (ConnectException: Connection refused); "
                + "trying again every 5 s", null), said.get(0));
        assertEquals(new Line("INFO", "flows-sweep: working again after 30 s", null), said.get(1));
    }

    @Test
    void aSecondOutageIsSaidAgain() {
        log.failed(databaseAway());
        log.worked();
        log.failed(new BusUnavailableException("not sent", new ConnectException("Connection refused")));
        log.worked();
        List<Line> said = above("DEBUG");
        assertEquals(List.of("WARN", "INFO", "WARN", "INFO"), said.stream().map(Line::level).toList());
        assertTrue(said.get(2).text().startsWith("flows-sweep: the broker is away ("), said.get(2).text());
    }

    @Test
    void aBugIsAnErrorWithItsTraceAtMostOnceAMinute() {
        IllegalStateException bug = new IllegalStateException("no such column: asked_at");
        for (int tick = 0; tick < 12; tick++) {
            log.run(() -> {
                throw bug;
            });
            clock.addAndGet(Duration.ofSeconds(5).toNanos());
        }
        log.run(() -> {
            throw new IllegalArgumentException("another bug");
        });
        clock.addAndGet(Duration.ofSeconds(1).toNanos());
        log.run(() -> {
            throw bug;
        });
        log.worked();

        List<Line> said = above("DEBUG");
        assertEquals(3, said.size(), said.toString());
        assertEquals(new Line("ERROR", "flows-sweep failed: " + bug, bug), said.get(0));
        assertEquals("flows-sweep failed: java.lang.IllegalArgumentException: another bug", said.get(1).text());
        assertNotNull(said.get(1).trace());
        assertEquals(new Line("ERROR", "flows-sweep failed: " + bug, bug), said.get(2));
    }

    @Test
    void whatIsAwayAndWhy() {
        assertEquals("the database is away", OutageLog.what(databaseAway()));
        assertEquals("the database is away", OutageLog.what(new SQLException("Cannot get a connection, pool error",
                new NoSuchElementException("Timeout waiting for idle object"))));
        assertEquals("a remote system is away", OutageLog.what(new RuntimeException(new java.net.SocketTimeoutException("Read timed out"))));
        assertEquals("an outage", OutageLog.what(new java.util.concurrent.TimeoutException()));
        assertEquals("SQLException: I/O error at the server", OutageLog.shortCause(new SQLException("I/O error\n  at the server", "08006")));
        assertEquals(201, OutageLog.shortCause(new SQLException("x".repeat(500), "08006")).length());
        assertEquals("500 ms", OutageLog.every(Duration.ofMillis(500)));
        assertEquals("30 s", OutageLog.every(Duration.ofSeconds(30)));
        assertEquals("90 s", OutageLog.every(Duration.ofSeconds(90)));
        assertEquals("2 min", OutageLog.every(Duration.ofMinutes(2)));
        assertEquals("1 h", OutageLog.every(Duration.ofHours(1)));
    }

    @Test
    void aStoppedTaskIsNoFailure() {
        assertFalse(log.run(() -> {
            throw new InterruptedException();
        }));
        assertTrue(Thread.interrupted());
        assertEquals(List.of(), lines);
    }

    @Test
    void aBugDuringAnOutageIsStillAnErrorAndTheOutageStillHealsOnce() {
        log.failed(databaseAway());
        log.failed(new NullPointerException("flow.account()"));
        log.failed(databaseAway());
        log.worked();
        assertEquals(List.of("WARN", "ERROR", "INFO"), above("DEBUG").stream().map(Line::level).toList());
        assertNull(above("DEBUG").get(0).trace());
    }

    private List<Line> above(String level) {
        return lines.stream().filter(l -> !l.level().equals(level) && !l.level().equals("TRACE")).toList();
    }

    /** A logger that keeps what it is told, formatted as SLF4J would. */
    private Logger recording() {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class}, (proxy, method, args) -> {
            String name = method.getName();
            if (name.startsWith("is") && name.endsWith("Enabled")) {
                return true;
            }
            if (name.equals("getName")) {
                return "test";
            }
            if (!List.of("trace", "debug", "info", "warn", "error").contains(name) || args == null
                    || !(args[0] instanceof String format)) {
                throw new UnsupportedOperationException(method.toString());
            }
            List<Object> values = new ArrayList<>();
            for (int i = 1; i < args.length; i++) {
                if (args[i] instanceof Object[] varargs) {
                    values.addAll(Arrays.asList(varargs));
                } else {
                    values.add(args[i]);
                }
            }
            StringBuilder text = new StringBuilder();
            int from = 0;
            int used = 0;
            for (int at; (at = format.indexOf("{}", from)) >= 0 && used < values.size(); from = at + 2) {
                text.append(format, from, at).append(values.get(used++));
            }
            text.append(format.substring(from));
            Throwable trace = used < values.size() && values.get(values.size() - 1) instanceof Throwable t ? t : null;
            lines.add(new Line(name.toUpperCase(), text.toString(), trace));
            return null;
        });
    }
}
