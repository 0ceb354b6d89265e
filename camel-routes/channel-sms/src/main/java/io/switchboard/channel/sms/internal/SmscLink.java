package io.switchboard.channel.sms.internal;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jsmpp.PDUException;
import org.jsmpp.InvalidResponseException;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RawDataCoding;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.extra.ResponseTimeoutException;
import org.jsmpp.extra.SessionState;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one SMPP link to the SMSC: a transceiver bind (both directions on one connection, as most
 * operators allow one bind per account), kept alive with enquire_link and bound again after
 * {@code reconnectDelay} whenever it drops or the bind fails. Submissions are paced to the
 * operator's agreed throughput.
 *
 * <p>jsmpp directly, not camel-smpp: camel-smpp binds a transceiver only inside its producer,
 * either at route start (so a context whose SMSC is down at boot fails to start) or lazily on the
 * first send (so customers' messages wait until we send one); its UCS-2 splitter cuts at octet
 * counts, through surrogate pairs; and its alphabet 0 is a Java charset, not GSM 03.38.
 */
final class SmscLink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SmscLink.class);
    private static final Map<Integer, String> STATUS_NAMES = statusNames();

    /** What the SMSC delivers: customers' messages and receipts. Throw to have the SMSC retry later. */
    interface Receiver {
        void accept(DeliverSm pdu) throws ProcessRequestException;
    }

    record Settings(String host, int port, String systemId, String password, String systemType,
                    Duration enquireLink, Duration reconnectDelay, int maxPerSecond, Duration bindWait) {
    }

    private final Settings settings;
    private final Receiver receiver;
    private final Thread keeper;
    private volatile SMPPSession session;
    private volatile Instant boundSince;
    private volatile boolean closed;
    private long nextSlot = System.nanoTime();

    SmscLink(Settings settings, Receiver receiver) {
        this.settings = settings;
        this.receiver = receiver;
        this.keeper = new Thread(this::keepBound, "sms-smsc-link " + settings.host() + ":" + settings.port());
        keeper.setDaemon(true);
    }

    void start() {
        keeper.start();
    }

    boolean isBound() {
        SMPPSession s = session;
        return s != null && s.getSessionState().isBound();
    }

    /** Since when the link has been bound without a break; null while it is down. */
    Instant boundSince() {
        return isBound() ? boundSince : null;
    }

    /**
     * Submits one segment with a delivery receipt requested and returns the SMSC's message id.
     *
     * @throws SmscException when the SMSC refused it (with its command status) or could not be reached
     */
    String submit(PhoneNumbers.SmppAddress from, PhoneNumbers.SmppAddress to, SmsText.Segment segment)
            throws SmscException, InterruptedException {
        SMPPSession s = awaitBound();
        pace();
        try {
            return s.submitShortMessage("", from.ton(), from.npi(), from.address(), to.ton(), to.npi(), to.address(),
                    new ESMClass(segment.esmClass()), (byte) 0, (byte) 0, null, null,
                    new RegisteredDelivery(SMSCDeliveryReceipt.SUCCESS_FAILURE), (byte) 0,
                    new RawDataCoding((byte) segment.dataCoding()), (byte) 0, segment.shortMessage()).getMessageId();
        } catch (NegativeResponseException e) {
            if (e.getCommandStatus() == SMPPConstant.STAT_ESME_RTHROTTLED) {
                backOff(Duration.ofSeconds(1));
            }
            throw new SmscException("SMSC refused submit_sm: " + statusName(e.getCommandStatus()), e);
        } catch (ResponseTimeoutException e) {
            throw new SmscException("SMSC did not answer submit_sm within the transaction timer", e);
        } catch (PDUException | InvalidResponseException | IOException e) {
            throw new SmscException("submit_sm failed: " + e.getMessage(), e);
        }
    }

    static String statusName(int status) {
        return STATUS_NAMES.getOrDefault(status, "status") + String.format(" (0x%08X)", status);
    }

    @Override
    public void close() {
        closed = true;
        SMPPSession s = session;
        if (s != null) {
            // a clean unbind first; interrupting the keeper while it waits would cut it short
            s.unbindAndClose();
        }
        keeper.interrupt();
        try {
            keeper.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void keepBound() {
        boolean warned = false;
        while (!closed) {
            CountDownLatch down = new CountDownLatch(1);
            SMPPSession s = new SMPPSession();
            try {
                s.setEnquireLinkTimer((int) settings.enquireLink().toMillis());
                s.setTransactionTimer(10_000);
                s.setMessageReceiverListener(new Listener());
                s.addSessionStateListener((newState, oldState, source) -> {
                    if (newState == SessionState.CLOSED) {
                        down.countDown();
                    }
                });
                s.connectAndBind(settings.host(), settings.port(), new BindParameter(BindType.BIND_TRX,
                        settings.systemId(), settings.password(), settings.systemType(), TypeOfNumber.UNKNOWN,
                        NumberingPlanIndicator.UNKNOWN, null), 10_000);
                boundSince = Instant.now();
                session = s;
                LOG.info("SMS: bound to SMSC {}:{} as {} (transceiver)", settings.host(), settings.port(),
                        settings.systemId());
                warned = false;
                down.await();
                if (!closed) {
                    LOG.warn("SMS: link to SMSC {}:{} dropped; binding again in {}s", settings.host(), settings.port(),
                            settings.reconnectDelay().toSeconds());
                }
            } catch (IOException e) {
                // a refused bind or an unreachable SMSC: once at WARN, then quietly until it works
                if (!warned) {
                    LOG.warn("SMS: no bind to SMSC {}:{}: {}; retrying every {}s", settings.host(), settings.port(),
                            e.getMessage(), settings.reconnectDelay().toSeconds());
                    warned = true;
                } else {
                    LOG.debug("SMS: no bind to SMSC {}:{}: {}", settings.host(), settings.port(), e.getMessage());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.warn("SMS: link to SMSC {}:{} failed", settings.host(), settings.port(), e);
            } finally {
                session = null;
                boundSince = null;
                s.close();
            }
            if (!closed) {
                try {
                    Thread.sleep(settings.reconnectDelay().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private SMPPSession awaitBound() throws SmscException, InterruptedException {
        long deadline = System.nanoTime() + settings.bindWait().toNanos();
        while (true) {
            SMPPSession s = session;
            if (s != null && s.getSessionState().isTransmittable()) {
                return s;
            }
            if (closed || System.nanoTime() > deadline) {
                throw new SmscException("not bound to the SMSC " + settings.host() + ":" + settings.port(), null);
            }
            Thread.sleep(50);
        }
    }

    /** At most {@code maxPerSecond} submissions a second over the link, evenly spaced. */
    private synchronized void pace() throws InterruptedException {
        if (settings.maxPerSecond() <= 0) {
            return;
        }
        long interval = 1_000_000_000L / settings.maxPerSecond();
        long now = System.nanoTime();
        if (nextSlot > now) {
            TimeUnit.NANOSECONDS.sleep(nextSlot - now);
            nextSlot += interval;
        } else {
            nextSlot = now + interval;
        }
    }

    /** The SMSC said we send too fast: nothing more goes out for a while. */
    private synchronized void backOff(Duration pause) {
        nextSlot = Math.max(nextSlot, System.nanoTime() + pause.toNanos());
    }

    private static Map<Integer, String> statusNames() {
        Map<Integer, String> names = new HashMap<>();
        for (Field f : SMPPConstant.class.getFields()) {
            if (f.getName().startsWith("STAT_") && f.getType() == int.class && Modifier.isStatic(f.getModifiers())) {
                try {
                    names.putIfAbsent(f.getInt(null), f.getName().substring("STAT_".length()));
                } catch (IllegalAccessException ignored) {
                    // public constants of an interface
                }
            }
        }
        return Map.copyOf(names);
    }

    private final class Listener implements MessageReceiverListener {
        @Override
        public void onAcceptDeliverSm(DeliverSm deliverSm) throws ProcessRequestException {
            receiver.accept(deliverSm);
        }

        @Override
        public void onAcceptAlertNotification(AlertNotification alertNotification) {
            // alert_notification (a phone became reachable) matters only to senders who keep their own retries
        }

        @Override
        public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
            throw new ProcessRequestException("data_sm is not supported", SMPPConstant.STAT_ESME_RINVCMDID);
        }
    }
}
