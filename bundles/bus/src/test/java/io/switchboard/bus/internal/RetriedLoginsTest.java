package io.switchboard.bus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A plugin's refused logins tried again until the deadline, and only those. */
class RetriedLoginsTest {

    static final Connection CONNECTION = (Connection) Proxy.newProxyInstance(RetriedLoginsTest.class.getClassLoader(),
            new Class<?>[] {Connection.class}, (proxy, method, args) -> null);

    /** Refuses the first {@code refusals} logins, then opens; or fails every time with {@code failure}. */
    static final class Broker implements ConnectionFactory {
        final AtomicInteger attempts = new AtomicInteger();
        final int refusals;
        final JMSException failure;

        Broker(int refusals, JMSException failure) {
            this.refusals = refusals;
            this.failure = failure;
        }

        @Override
        public Connection createConnection() throws JMSException {
            int attempt = attempts.incrementAndGet();
            if (failure != null) {
                throw failure;
            }
            if (attempt <= refusals) {
                throw new JMSSecurityException("AMQ229031: Unable to validate user");
            }
            return CONNECTION;
        }

        @Override
        public Connection createConnection(String userName, String password) throws JMSException {
            return createConnection();
        }

        @Override
        public JMSContext createContext() {
            throw new UnsupportedOperationException();
        }

        @Override
        public JMSContext createContext(String userName, String password) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JMSContext createContext(String userName, String password, int sessionMode) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JMSContext createContext(int sessionMode) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void aLoginRefusedForAMomentIsTriedAgain() throws Exception {
        Broker broker = new Broker(3, null);
        assertSame(CONNECTION, new RetriedLogins(broker, Duration.ofSeconds(5)).createConnection());
        assertEquals(4, broker.attempts.get());
    }

    @Test
    void aLoginStillRefusedAtTheDeadlineIsRefused() {
        Broker broker = new Broker(Integer.MAX_VALUE, null);
        long started = System.nanoTime();
        JMSSecurityException refused = assertThrows(JMSSecurityException.class,
                () -> new RetriedLogins(broker, Duration.ofMillis(400)).createConnection("plugin.x", "y"));
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertNotNull(refused.getMessage());
        assertTrue(broker.attempts.get() > 1, "tried again: " + broker.attempts.get());
        assertTrue(tookMs < 2_000, "gave up near the deadline, not later: " + tookMs + " ms");
    }

    @Test
    void anythingButARefusedLoginGoesToTheCallerAtOnce() {
        Broker broker = new Broker(0, new JMSException("connection refused"));
        assertThrows(JMSException.class, () -> new RetriedLogins(broker, Duration.ofSeconds(5)).createConnection());
        assertEquals(1, broker.attempts.get());
    }
}
