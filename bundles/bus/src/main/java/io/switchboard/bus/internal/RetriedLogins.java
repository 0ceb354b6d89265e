package io.switchboard.bus.internal;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import java.time.Duration;

/**
 * A plugin's connections, each login refused by the broker tried again until a deadline. A plugin's user is
 * valid from its grant on, but an upgrade or an operator's grant can meet a connection being opened at that
 * moment; a refused login there is a wait of milliseconds, and surfacing it would turn a customer's message
 * into an error. A login still refused at the deadline is refused for good: the exception goes to the caller.
 */
final class RetriedLogins implements ConnectionFactory {

    private final ConnectionFactory target;
    private final long patienceNanos;

    RetriedLogins(ConnectionFactory target, Duration patience) {
        this.target = target;
        this.patienceNanos = patience.toNanos();
    }

    @FunctionalInterface
    private interface Login<T> {
        T open() throws JMSException;
    }

    private <T> T retried(Login<T> login) throws JMSException {
        long deadline = System.nanoTime() + patienceNanos;
        long pause = 25;
        while (true) {
            try {
                return login.open();
            } catch (JMSSecurityException refused) {
                if (System.nanoTime() + pause * 1_000_000 - deadline > 0) {
                    throw refused;
                }
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw refused;
                }
                pause = Math.min(pause * 2, 500);
            }
        }
    }

    @Override
    public Connection createConnection() throws JMSException {
        return retried(target::createConnection);
    }

    @Override
    public Connection createConnection(String userName, String password) throws JMSException {
        return retried(() -> target.createConnection(userName, password));
    }

    @Override
    public JMSContext createContext() {
        return target.createContext();
    }

    @Override
    public JMSContext createContext(String userName, String password) {
        return target.createContext(userName, password);
    }

    @Override
    public JMSContext createContext(String userName, String password, int sessionMode) {
        return target.createContext(userName, password, sessionMode);
    }

    @Override
    public JMSContext createContext(int sessionMode) {
        return target.createContext(sessionMode);
    }
}
