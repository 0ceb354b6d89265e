package io.switchboard.bus.internal;

import io.switchboard.api.Outage;
import io.switchboard.bus.OutageLog;
import jakarta.jms.JMSException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.component.sjms.SjmsEndpoint;
import org.apache.camel.component.sjms.consumer.SimpleMessageListenerContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A route's listener on the bus, which connects again after every failure of its connection, for as
 * long as the route runs.
 *
 * <p>Camel 4.14's own recovery does not: its task takes a recovered connection for a failed try and
 * recovers again every {@code recoveryInterval}, closing the connection it just made, whose consumers
 * it never makes again (they are only made after a failure clears them). A listener that lived
 * through one broker outage thus stayed connected, with no consumer, until a restart; and its task,
 * never finished, would not have started again for a second outage either. Here the connection's
 * failure is what starts a recovery, the recovery ends when the consumers are there, and a failure
 * during a recovery starts another once it ends. A listener that cannot connect when its route starts
 * is recovered the same way.
 */
final class BusListener extends SimpleMessageListenerContainer {

    private static final Logger LOG = LoggerFactory.getLogger(BusListener.class);

    private final SjmsEndpoint endpoint;
    private final OutageLog outage;
    private final AtomicBoolean recovering = new AtomicBoolean();
    /** Failures of this listener's connections so far: one during a recovery means another. */
    private final AtomicInteger failures = new AtomicInteger();
    private ScheduledExecutorService recoveries;

    BusListener(SjmsEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
        this.outage = new OutageLog(LOG, "listener on " + endpoint.getDestinationName(),
                Duration.ofMillis(endpoint.getRecoveryInterval()));
    }

    /**
     * Starts listening; a broker that cannot be reached now (away, restarting, or not yet letting a
     * plugin's user in) is tried again as after a lost connection, where Camel would have given the
     * listener up for good.
     */
    @Override
    protected void doStart() throws Exception {
        try {
            super.doStart();
        } catch (JMSException e) {
            onException(e);
        }
    }

    @Override
    public void onException(JMSException exception) {
        failures.incrementAndGet();
        // however the broker ended it (gone, restarting, an operator closing the connection), a lost
        // connection is found again, not a bug
        outage.failed(new ConnectionLost(exception));
        // forgets the consumers, which went with the connection, and asks for a recovery
        super.onException(exception);
    }

    @Override
    protected void scheduleConnectionRecovery() {
        if (recovering.compareAndSet(false, true)) {
            later();
        }
    }

    private synchronized void later() {
        if (isStoppingOrStopped()) {
            recovering.set(false);
            return;
        }
        if (recoveries == null) {
            recoveries = endpoint.getCamelContext().getExecutorServiceManager()
                    .newSingleThreadScheduledExecutor(this, "BusListenerRecovery");
        }
        recoveries.schedule(this::recover, endpoint.getRecoveryInterval(), TimeUnit.MILLISECONDS);
    }

    private void recover() {
        if (isStoppingOrStopped()) {
            recovering.set(false);
            return;
        }
        int seen = failures.get();
        try {
            refreshConnection();
            initConsumers();
            // refreshConnection starts only a connection that was started before: not so when the
            // broker was away as the route started
            startConnection();
        } catch (Exception e) {
            outage.failed(e);
            later();
            return;
        }
        outage.worked();
        recovering.set(false);
        if (failures.get() != seen) {
            // the new connection failed while its consumers were made: they may be on a dead one
            scheduleConnectionRecovery();
        }
    }

    /** A listener's connection, lost: an outage, said once and healed by the recovery. */
    static final class ConnectionLost extends Exception implements Outage {
        private static final long serialVersionUID = 1L;

        ConnectionLost(JMSException cause) {
            super("its connection to the broker was lost", cause);
        }
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        synchronized (this) {
            if (recoveries != null) {
                endpoint.getCamelContext().getExecutorServiceManager().shutdownNow(recoveries);
                recoveries = null;
            }
        }
        recovering.set(false);
    }
}
