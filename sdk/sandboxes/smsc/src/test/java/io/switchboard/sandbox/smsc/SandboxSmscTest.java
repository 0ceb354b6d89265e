package io.switchboard.sandbox.smsc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RawDataCoding;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SandboxSmscTest {

    static final String LONG_CHINESE = "您好，您的快递已到达驿站，请凭取件码取件。".repeat(8) + "😀👍";

    SandboxSmsc smsc;
    SMPPSession client;
    final List<DeliverSm> delivered = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        smsc = SandboxSmsc.start(0, "switchboard", "secret");
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.unbindAndClose();
        }
        smsc.close();
    }

    SMPPSession bind(String password) throws Exception {
        SMPPSession s = new SMPPSession();
        s.setMessageReceiverListener(new MessageReceiverListener() {
            @Override
            public void onAcceptDeliverSm(DeliverSm deliverSm) {
                delivered.add(deliverSm);
            }

            @Override
            public void onAcceptAlertNotification(AlertNotification alertNotification) {
            }

            @Override
            public DataSmResult onAcceptDataSm(org.jsmpp.bean.DataSm dataSm, Session source) {
                return null;
            }
        });
        s.connectAndBind("127.0.0.1", smsc.port(), new BindParameter(BindType.BIND_TRX, "switchboard", password, "",
                TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null));
        return s;
    }

    String submit(ShortMessages.Segment segment) throws Exception {
        return client.submitShortMessage("", TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, "10690000",
                TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "8613800138000",
                new ESMClass(segment.esmClass()), (byte) 0, (byte) 0, null, null, new RegisteredDelivery(1), (byte) 0,
                new RawDataCoding((byte) segment.dataCoding()), (byte) 0, segment.shortMessage()).getMessageId();
    }

    @Test
    void aWrongPasswordIsRefused() {
        assertThrows(java.io.IOException.class, () -> bind("wrong"));
        assertEquals(0, smsc.binds());
    }

    @Test
    void aLongSubmitIsRecordedPartByPartAndReassembledWithReceipts() throws Exception {
        client = bind("secret");
        List<ShortMessages.Segment> segments = ShortMessages.split(LONG_CHINESE, 7, false);
        assertTrue(segments.size() > 1);
        for (ShortMessages.Segment s : segments) {
            submit(s);
        }
        SandboxSmsc.Received message = smsc.awaitMessages(1, Duration.ofSeconds(5)).get(0);
        assertEquals(LONG_CHINESE, message.text());
        assertEquals("+8613800138000", message.destination());
        assertEquals(segments.size(), message.parts());
        assertEquals(segments.size(), smsc.submitted().size());
        long deadline = System.currentTimeMillis() + 5000;
        while (delivered.size() < segments.size() && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(segments.size(), delivered.size(), "one receipt per part");
        assertTrue(delivered.get(0).isSmscDeliveryReceipt());
    }

    @Test
    void refusedSubmitsCarryTheStatus() throws Exception {
        client = bind("secret");
        smsc.refuseSubmits(SMPPConstant.STAT_ESME_RTHROTTLED, 1);
        NegativeResponseException e = assertThrows(NegativeResponseException.class,
                () -> submit(ShortMessages.split("hello", 1, false).get(0)));
        assertEquals(SMPPConstant.STAT_ESME_RTHROTTLED, e.getCommandStatus());
        submit(ShortMessages.split("hello", 1, false).get(0));
        assertEquals("hello", smsc.awaitMessages(1, Duration.ofSeconds(5)).get(0).text());
    }

    @Test
    void phonesMessagesReachTheBoundClientInParts() throws Exception {
        client = bind("secret");
        smsc.awaitBound(Duration.ofSeconds(5));
        List<SandboxSmsc.Part> parts = smsc.deliver("+8613800138000", "10690000", LONG_CHINESE);
        assertEquals(parts.size(), delivered.size());
        StringBuilder text = new StringBuilder();
        java.io.ByteArrayOutputStream octets = new java.io.ByteArrayOutputStream();
        for (DeliverSm d : delivered) {
            assertEquals("8613800138000", d.getSourceAddr());
            assertEquals(ShortMessages.UCS2, d.getDataCoding());
            octets.writeBytes(ShortMessages.parse(d.getEsmClass(), d.getShortMessage()).payload());
        }
        text.append(ShortMessages.decode(ShortMessages.UCS2, octets.toByteArray()));
        assertEquals(LONG_CHINESE, text.toString());
    }

    @Test
    void gsm7CoversTheDefaultAlphabetAndItsExtension() {
        assertEquals(128, ShortMessages.BASIC.length());
        String text = "Hello @ £5 {x} [y] ~ | € ^ \\ ü";
        assertTrue(ShortMessages.isGsm7(text));
        assertEquals(text, ShortMessages.fromGsm7(ShortMessages.gsm7(text)));
        assertEquals(2, ShortMessages.split("a".repeat(161), 1, false).size());
        assertEquals(1, ShortMessages.split("a".repeat(160), 1, false).size());
    }
}
