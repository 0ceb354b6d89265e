package io.switchboard.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLTransientConnectionException;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

/** What heals by itself is tried again later; what would fail the same way again is not. */
class OutageTest {

    static final class RemoteAway extends RuntimeException implements Outage {
        RemoteAway() {
            super("the CRM is down for maintenance");
        }
    }

    @Test
    void aDatabaseAwayOrTooSlowIsAnOutageAnywhereInTheCauses() {
        assertTrue(Outage.isOutage(new IllegalStateException("database", new SQLException("I/O error", "08006"))));
        assertTrue(Outage.isOutage(new SQLException("the database system is starting up", "57P03")));
        assertTrue(Outage.isOutage(new SQLException("canceling statement due to statement timeout", "57014")));
        assertTrue(Outage.isOutage(new SQLException("deadlock detected", "40P01")));
        assertTrue(Outage.isOutage(new SQLTransientConnectionException("pool empty")));
        assertTrue(Outage.isOutage(new SQLException("Cannot get a connection, pool error Timeout waiting for idle object",
                new NoSuchElementException("Timeout waiting for idle object"))));
    }

    @Test
    void aRemoteSystemOrBrokerAwayIsAnOutage() {
        assertTrue(Outage.isOutage(new UncheckedIOException(new ConnectException("Connection refused"))));
        assertTrue(Outage.isOutage(new java.net.SocketTimeoutException("Read timed out")));
        assertTrue(Outage.isOutage(new RuntimeException("wrapped", new RemoteAway())));
    }

    @Test
    void aBugABadMessageOrARefusalIsNot() {
        assertFalse(Outage.isOutage(null));
        assertFalse(Outage.isOutage(new IllegalArgumentException("no From header")));
        assertFalse(Outage.isOutage(new SQLIntegrityConstraintViolationException("duplicate key", "23505")));
        assertFalse(Outage.isOutage(new SQLException("syntax error at or near", "42601")));
        assertFalse(Outage.isOutage(new IllegalStateException("errcode 45015: response out of time limit")));
        assertFalse(Outage.isOutage(new java.io.IOException("not a PNG")));
    }

    @Test
    void aCauseChainThatLoopsEnds() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        assertFalse(Outage.isOutage(a));
    }
}
