package io.switchboard.sandbox.smsc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.text.SimpleDateFormat;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.jsmpp.PDUStringException;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.BroadcastSm;
import org.jsmpp.bean.CancelBroadcastSm;
import org.jsmpp.bean.CancelSm;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.QueryBroadcastSm;
import org.jsmpp.bean.QuerySm;
import org.jsmpp.bean.RawDataCoding;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.ReplaceSm;
import org.jsmpp.bean.SubmitMulti;
import org.jsmpp.bean.SubmitSm;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.extra.SessionState;
import org.jsmpp.session.BindRequest;
import org.jsmpp.session.BroadcastSmResult;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.QueryBroadcastSmResult;
import org.jsmpp.session.QuerySmResult;
import org.jsmpp.session.SMPPServerSession;
import org.jsmpp.session.SMPPServerSessionListener;
import org.jsmpp.session.ServerMessageReceiverListener;
import org.jsmpp.session.ServerResponseDeliveryAdapter;
import org.jsmpp.session.Session;
import org.jsmpp.session.SubmitMultiResult;
import org.jsmpp.session.SubmitSmResult;
import org.jsmpp.util.MessageId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SMS centre on a local TCP port speaking SMPP 3.4, for tests and demos. It accepts binds whose
 * system id and password match, records every {@code submit_sm} (and each long message put back
 * together), answers with message ids, sends delivery receipts when asked to, and delivers messages
 * "from a phone" to the bound client, split and encoded as a real SMSC would.
 *
 * <pre>{@code
 * try (SandboxSmsc smsc = SandboxSmsc.start(0, "switchboard", "secret")) {
 *     smsc.awaitBound(Duration.ofSeconds(10));
 *     smsc.deliver("+8613800138000", "10690000", "你好");
 *     SandboxSmsc.Received sent = smsc.awaitMessages(1, Duration.ofSeconds(10)).get(0);
 * }
 * }</pre>
 */
public final class SandboxSmsc implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SandboxSmsc.class);

    /** One {@code submit_sm} as it arrived, and when. */
    public record Submitted(String messageId, String source, String destination, int esmClass, int dataCoding,
                            int registeredDelivery, byte[] shortMessage, Instant at) {
    }

    /** A message the client sent, put back together from its parts. */
    public record Received(String source, String destination, String text, int dataCoding, List<String> messageIds) {
        public int parts() {
            return messageIds.size();
        }
    }

    /** One {@code deliver_sm} the sandbox sends; kept so a test can send it again or out of order. */
    public record Part(String source, String destination, int esmClass, int dataCoding, byte[] shortMessage) {
    }

    private final SMPPServerSessionListener listener;
    private final int port;
    private final String systemId;
    private final String password;
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> daemon(r, "sandbox-smsc"));
    private final ScheduledExecutorService receiptTimer = Executors.newSingleThreadScheduledExecutor(
            r -> daemon(r, "sandbox-smsc-receipts"));
    private final List<SMPPServerSession> sessions = new CopyOnWriteArrayList<>();
    private final List<Submitted> submitted = new CopyOnWriteArrayList<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Map<Integer, Submitted>> assembling = new LinkedHashMap<>();
    private final Map<String, Submitted> byId = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(0x5B000000L + (System.currentTimeMillis() & 0xFFFFF));
    private final AtomicInteger nextReference = new AtomicInteger(1);
    private final AtomicInteger binds = new AtomicInteger();
    private final AtomicInteger refusals = new AtomicInteger();
    private final List<Consumer<Received>> watchers = new CopyOnWriteArrayList<>();
    private volatile int refusalStatus;
    private volatile boolean automaticReceipts = true;
    private volatile String receiptState = "DELIVRD";
    private volatile Duration receiptDelay = Duration.ofMillis(100);
    private volatile boolean open = true;

    private SandboxSmsc(int port, String systemId, String password) throws IOException {
        this.port = port;
        this.systemId = systemId;
        this.password = password;
        this.listener = new SMPPServerSessionListener(port);
        listener.setMessageReceiverListener(new Receiver());
        listener.setResponseDeliveryListener(new ServerResponseDeliveryAdapter() {
            @Override
            public void onSubmitSmRespSent(SubmitSmResult result, SMPPServerSession session) {
                scheduleReceipt(result.getMessageId(), session);
            }
        });
        workers.submit(this::acceptLoop);
    }

    /**
     * Listens on {@code port} (0: a free one) and accepts binds with this system id and password.
     */
    public static SandboxSmsc start(int port, String systemId, String password) {
        try {
            return new SandboxSmsc(port == 0 ? freePort() : port, systemId, password);
        } catch (IOException e) {
            throw new UncheckedIOException("sandbox SMSC did not start", e);
        }
    }

    public int port() {
        return port;
    }

    public String systemId() {
        return systemId;
    }

    public String password() {
        return password;
    }

    // ---- what the client sent

    /** Every {@code submit_sm} accepted so far, in order of arrival. */
    public List<Submitted> submitted() {
        return List.copyOf(submitted);
    }

    /** Every message the client sent, long ones reassembled, in the order each was completed. */
    public List<Received> messages() {
        return List.copyOf(received);
    }

    /** Waits until at least {@code count} messages are complete; fails the test after {@code timeout}. */
    public List<Received> awaitMessages(int count, Duration timeout) {
        await(() -> received.size() >= count, timeout, count + " message(s), have " + received.size());
        return messages();
    }

    /** Called with each message once it is complete (the command line prints them). */
    public void onMessage(Consumer<Received> watcher) {
        watchers.add(watcher);
    }

    /** Answers the next {@code count} {@code submit_sm} with {@code commandStatus}, e.g. 0x58 ESME_RTHROTTLED. */
    public void refuseSubmits(int commandStatus, int count) {
        refusalStatus = commandStatus;
        refusals.set(count);
    }

    /** Whether receipts go out by themselves after each submit that asked for one (default: yes). */
    public void automaticReceipts(boolean on) {
        automaticReceipts = on;
    }

    /** The {@code stat:} of automatic receipts: DELIVRD (default), UNDELIV, EXPIRED, REJECTD... */
    public void receiptState(String stat) {
        receiptState = stat;
    }

    public void receiptDelay(Duration delay) {
        receiptDelay = delay;
    }

    // ---- the link

    /** Binds accepted so far; a client that reconnected has bound more than once. */
    public int binds() {
        return binds.get();
    }

    public void awaitBound(Duration timeout) {
        await(() -> receiver().isPresent(), timeout, "a bound receiver or transceiver");
    }

    /** Waits for the {@code n}th accepted bind (a reconnection). */
    public void awaitBinds(int n, Duration timeout) {
        await(() -> binds.get() >= n && receiver().isPresent(), timeout, n + " binds, have " + binds.get());
    }

    /** Cuts every client's link, as an SMSC restart or a network failure would. */
    public void dropLinks() {
        for (SMPPServerSession s : sessions) {
            s.close();
        }
        sessions.clear();
    }

    // ---- messages from phones

    /**
     * A phone's message to the bound client: GSM-7 if it can be, else UCS-2, split with 8-bit
     * references when long. Returns the parts sent, each after the client answered it.
     */
    public List<Part> deliver(String from, String to, String text) {
        List<Part> parts = parts(from, to, text, false);
        parts.forEach(this::deliver);
        return parts;
    }

    /** The parts {@link #deliver(String, String, String)} would send, not sent, to send in any order. */
    public List<Part> parts(String from, String to, String text, boolean sixteenBitReference) {
        int reference = nextReference.getAndIncrement() & (sixteenBitReference ? 0xFFFF : 0xFF);
        return ShortMessages.split(text, reference, sixteenBitReference).stream()
                .map(s -> new Part(from, to, s.esmClass(), s.dataCoding(), s.shortMessage()))
                .toList();
    }

    /**
     * Sends one {@code deliver_sm} and returns once the client answered it.
     *
     * @throws IllegalStateException when no client is bound to receive, or the client answered with an error
     */
    public void deliver(Part part) {
        SMPPServerSession session = receiver().orElseThrow(() -> new IllegalStateException("no client bound to receive"));
        try {
            session.deliverShortMessage("", ton(part.source()), NumberingPlanIndicator.ISDN, digits(part.source()),
                    ton(part.destination()), NumberingPlanIndicator.ISDN, digits(part.destination()),
                    new ESMClass(part.esmClass()), (byte) 0, (byte) 0, new RegisteredDelivery(0),
                    new RawDataCoding((byte) part.dataCoding()), part.shortMessage());
        } catch (Exception e) {
            throw new IllegalStateException("deliver_sm failed: " + e, e);
        }
    }

    /**
     * A delivery receipt for a message the client submitted, as an SMSC sends it: esm_class 0x04, the
     * text {@code id:… sub:001 dlvrd:… stat:… err:…}, and the receipted_message_id and message_state TLVs.
     */
    public void receipt(String messageId, String stat) {
        Submitted s = byId.get(messageId);
        SMPPServerSession session = receiver().orElseThrow(() -> new IllegalStateException("no client bound to receive"));
        String now = new SimpleDateFormat("yyMMddHHmm").format(new Date());
        boolean delivered = "DELIVRD".equals(stat);
        String text = "id:" + messageId + " sub:001 dlvrd:" + (delivered ? "001" : "000") + " submit date:" + now
                + " done date:" + now + " stat:" + stat + " err:" + (delivered ? "000" : "001") + " text:";
        String source = s != null ? s.destination() : "";
        String destination = s != null ? s.source() : "";
        try {
            session.deliverShortMessage("", ton(source), NumberingPlanIndicator.ISDN, digits(source),
                    ton(destination), NumberingPlanIndicator.ISDN, digits(destination),
                    new ESMClass(SMPPConstant.ESMCLS_SMSC_DELIV_RECEIPT), (byte) 0, (byte) 0, new RegisteredDelivery(0),
                    new RawDataCoding((byte) 0), text.getBytes(StandardCharsets.US_ASCII),
                    new OptionalParameter.COctetString(OptionalParameter.Tag.RECEIPTED_MESSAGE_ID.code(), messageId),
                    new OptionalParameter.Byte(OptionalParameter.Tag.MESSAGE_STATE, messageState(stat)));
        } catch (Exception e) {
            throw new IllegalStateException("receipt for " + messageId + " failed: " + e, e);
        }
    }

    @Override
    public void close() {
        open = false;
        dropLinks();
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        receiptTimer.shutdownNow();
        workers.shutdownNow();
    }

    // ---- inside

    private void acceptLoop() {
        while (open) {
            try {
                SMPPServerSession session = listener.accept();
                workers.submit(() -> bind(session));
            } catch (IOException e) {
                if (open) {
                    LOG.warn("accept failed", e);
                }
            }
        }
    }

    private void bind(SMPPServerSession session) {
        try {
            BindRequest request = session.waitForBind(5_000);
            if (!systemId.equals(request.getSystemId())) {
                request.reject(SMPPConstant.STAT_ESME_RINVSYSID);
            } else if (!password.equals(request.getPassword())) {
                request.reject(SMPPConstant.STAT_ESME_RINVPASWD);
            } else {
                session.addSessionStateListener((newState, oldState, source) -> {
                    if (newState == SessionState.CLOSED) {
                        sessions.remove(session);
                    }
                });
                // a client writes each part to its database before answering: give it time, as SMSCs do
                session.setTransactionTimer(10_000);
                request.accept("sandbox-smsc");
                sessions.add(session);
                binds.incrementAndGet();
                LOG.info("{} bound as {}", request.getSystemId(), request.getBindType());
                return;
            }
            LOG.info("bind refused for system id {}", request.getSystemId());
            // closing at once can beat the refusal to the client, which then waits out its bind timer
            receiptTimer.schedule(session::close, 1, TimeUnit.SECONDS);
            return;
        } catch (Exception e) {
            LOG.info("no bind: {}", e.toString());
        }
        session.close();
    }

    private Optional<SMPPServerSession> receiver() {
        for (int i = sessions.size() - 1; i >= 0; i--) {
            SMPPServerSession s = sessions.get(i);
            SessionState state = s.getSessionState();
            if (state == SessionState.BOUND_TRX || state == SessionState.BOUND_RX) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    private SubmitSmResult submit(SubmitSm sm) throws ProcessRequestException {
        if (refusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new ProcessRequestException("refused by the test", refusalStatus);
        }
        String id = Long.toHexString(nextId.incrementAndGet());
        Submitted s = new Submitted(id, plus(sm.getSourceAddrTon(), sm.getSourceAddr()),
                plus(sm.getDestAddrTon(), sm.getDestAddress()), sm.getEsmClass() & 0xFF, sm.getDataCoding() & 0xFF,
                sm.getRegisteredDelivery() & 0xFF, sm.getShortMessage() == null ? new byte[0] : sm.getShortMessage(),
                Instant.now());
        submitted.add(s);
        byId.put(id, s);
        assemble(s);
        try {
            return new SubmitSmResult(new MessageId(id), new OptionalParameter[0]);
        } catch (PDUStringException e) {
            throw new ProcessRequestException("bad message id", SMPPConstant.STAT_ESME_RSYSERR, e);
        }
    }

    private void assemble(Submitted s) {
        ShortMessages.Parsed p = ShortMessages.parse(s.esmClass(), s.shortMessage());
        Received done = null;
        synchronized (assembling) {
            if (!p.concatenated()) {
                done = new Received(s.source(), s.destination(), ShortMessages.decode(s.dataCoding(), p.payload()),
                        s.dataCoding(), List.of(s.messageId()));
            } else {
                String key = s.source() + "|" + s.destination() + "|" + p.reference() + "|" + p.total();
                Map<Integer, Submitted> parts = assembling.computeIfAbsent(key, k -> new TreeMap<>());
                parts.put(p.sequence(), s);
                if (parts.size() == p.total()) {
                    assembling.remove(key);
                    ByteArrayOutputStream octets = new ByteArrayOutputStream();
                    List<String> ids = new ArrayList<>();
                    for (Submitted part : parts.values()) {
                        octets.writeBytes(ShortMessages.parse(part.esmClass(), part.shortMessage()).payload());
                        ids.add(part.messageId());
                    }
                    done = new Received(s.source(), s.destination(),
                            ShortMessages.decode(s.dataCoding(), octets.toByteArray()), s.dataCoding(), ids);
                }
            }
        }
        if (done != null) {
            received.add(done);
            for (Consumer<Received> w : watchers) {
                w.accept(done);
            }
        }
    }

    private void scheduleReceipt(String messageId, SMPPServerSession session) {
        Submitted s = byId.get(messageId);
        if (!automaticReceipts || s == null || (s.registeredDelivery() & 0x03) == 0) {
            return;
        }
        String stat = receiptState;
        receiptTimer.schedule(() -> {
            try {
                receipt(messageId, stat);
            } catch (RuntimeException e) {
                LOG.info("receipt for {} not delivered: {}", messageId, e.getMessage());
            }
        }, receiptDelay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static byte messageState(String stat) {
        return switch (stat) {
            case "ENROUTE" -> 1;
            case "DELIVRD" -> 2;
            case "EXPIRED" -> 3;
            case "DELETED" -> 4;
            case "UNDELIV" -> 5;
            case "ACCEPTD" -> 6;
            case "REJECTD" -> 8;
            default -> 7;
        };
    }

    private static TypeOfNumber ton(String address) {
        return address.startsWith("+") ? TypeOfNumber.INTERNATIONAL : TypeOfNumber.UNKNOWN;
    }

    private static String digits(String address) {
        return address.startsWith("+") ? address.substring(1) : address;
    }

    private static String plus(byte ton, String address) {
        return ton == TypeOfNumber.INTERNATIONAL.value() && !address.startsWith("+") ? "+" + address : address;
    }

    private static void await(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("sandbox SMSC: no " + what + " within " + timeout);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private final class Receiver implements ServerMessageReceiverListener {
        @Override
        public SubmitSmResult onAcceptSubmitSm(SubmitSm submitSm, SMPPServerSession source) throws ProcessRequestException {
            return submit(submitSm);
        }

        @Override
        public SubmitMultiResult onAcceptSubmitMulti(SubmitMulti submitMulti, SMPPServerSession source)
                throws ProcessRequestException {
            throw unsupported();
        }

        @Override
        public QuerySmResult onAcceptQuerySm(QuerySm querySm, SMPPServerSession source) throws ProcessRequestException {
            throw unsupported();
        }

        @Override
        public void onAcceptReplaceSm(ReplaceSm replaceSm, SMPPServerSession source) throws ProcessRequestException {
            throw unsupported();
        }

        @Override
        public void onAcceptCancelSm(CancelSm cancelSm, SMPPServerSession source) throws ProcessRequestException {
            throw unsupported();
        }

        @Override
        public BroadcastSmResult onAcceptBroadcastSm(BroadcastSm broadcastSm, SMPPServerSession source)
                throws ProcessRequestException {
            throw unsupported();
        }

        @Override
        public void onAcceptCancelBroadcastSm(CancelBroadcastSm cancelBroadcastSm, SMPPServerSession source)
                throws ProcessRequestException {
            throw unsupported();
        }

        @Override
        public QueryBroadcastSmResult onAcceptQueryBroadcastSm(QueryBroadcastSm queryBroadcastSm, SMPPServerSession source)
                throws ProcessRequestException {
            throw unsupported();
        }

        @Override
        public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
            throw unsupported();
        }

        private ProcessRequestException unsupported() {
            return new ProcessRequestException("not supported by the sandbox", SMPPConstant.STAT_ESME_RINVCMDID);
        }
    }
}
