package io.switchboard.channel.sms.internal;

import io.switchboard.api.CanonicalJson;
import io.switchboard.api.ChannelAddress;
import io.switchboard.api.ContentPart;
import io.switchboard.api.Direction;
import io.switchboard.api.Ids;
import io.switchboard.api.Message;
import io.switchboard.rest.SourceRate;
import io.switchboard.store.Store;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.extra.ProcessRequestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the SMSC delivers. A customer's message goes on the bus (a long one once all its parts are
 * in); a delivery receipt moves the status of the message it is for. The SMSC hears "taken" only
 * after that is durable: any failure answers ESME_RX_T_APPN, and the SMSC delivers again later.
 */
final class Inbox implements SmscLink.Receiver {

    private static final Logger LOG = LoggerFactory.getLogger(Inbox.class);
    private static final Pattern RECEIPT_ID = Pattern.compile("(?i)\\bid:\\s*(\\S+)");
    private static final Pattern RECEIPT_STAT = Pattern.compile("(?i)\\bstat:\\s*(\\S+)");
    private static final Pattern RECEIPT_ERR = Pattern.compile("(?i)\\berr:\\s*(\\S+)");
    private static final String[] MESSAGE_STATES =
            {null, "ENROUTE", "DELIVRD", "EXPIRED", "DELETED", "UNDELIV", "ACCEPTD", "UNKNOWN", "REJECTD"};

    /** Puts a message on sb.inbound and returns once the broker has it. */
    interface Inbound {
        void put(Message message);

        /** Puts what could not be read on the dead-letter queue of sb.inbound, with why. */
        void reject(String pdu, String reason);
    }

    private final Store store;
    private final Concatenation concatenation;
    private final Inbound bus;
    private final Deliveries deliveries;
    private final PhoneNumbers numbers;
    private final CanonicalJson json;

    private final SourceRate rate;

    Inbox(Store store, Inbound bus, Deliveries deliveries, PhoneNumbers numbers, CanonicalJson json, SourceRate rate) {
        this.store = store;
        this.rate = rate;
        this.bus = bus;
        this.deliveries = deliveries;
        this.numbers = numbers;
        this.json = json;
        this.concatenation = new Concatenation(store, this::body);
    }

    Concatenation concatenation() {
        return concatenation;
    }

    @Override
    public void accept(DeliverSm pdu) throws ProcessRequestException {
        try {
            int messageType = pdu.getEsmClass() & 0x3C;
            if (messageType == 0x04 || messageType == 0x20) {
                receipt(pdu);
            } else {
                message(pdu);
            }
        } catch (IllegalArgumentException e) {
            // nothing a retry would change: take it, so the SMSC does not send it for ever, and keep it
            // where an operator sees it rather than drop it
            LOG.warn("SMS: deliver_sm from {} refused: {}", pdu.getSourceAddr(), e.getMessage());
            bus.reject(describe(pdu), "unreadable deliver_sm: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("SMS: deliver_sm from {} not taken, the SMSC will retry: {}", pdu.getSourceAddr(), e.toString());
            throw new ProcessRequestException("not taken: " + e.getMessage(), SMPPConstant.STAT_ESME_RX_T_APPN, e);
        }
    }

    private void message(DeliverSm pdu) throws ProcessRequestException {
        String from = numbers.e164(pdu.getSourceAddrTon(), pdu.getSourceAddr());
        String to = pdu.getDestAddress();
        int dataCoding = pdu.getDataCoding() & 0xFF;
        byte[] sm = pdu.getShortMessage() == null ? new byte[0] : pdu.getShortMessage();
        if (sm.length == 0 && pdu.getOptionalParameter(OptionalParameter.Tag.MESSAGE_PAYLOAD)
                instanceof OptionalParameter.OctetString payload) {
            sm = payload.getValue();
        }
        SmsText.Parsed parsed = SmsText.parse(pdu.getEsmClass(), sm);
        Sar sar = Sar.of(pdu);
        if (sar != null && !parsed.concatenated()) {
            parsed = new SmsText.Parsed(sar.reference(), sar.total(), sar.sequence(), parsed.payload());
        }
        // SMPP's "429": a temporary error, so the SMSC keeps the message and delivers it again later. A long
        // message counts once, by its first part.
        if ((!parsed.concatenated() || parsed.sequence() == 1) && rate.waitSeconds(from, System.currentTimeMillis()) > 0) {
            throw new ProcessRequestException("rate limit of " + from + " reached, retry later",
                    SMPPConstant.STAT_ESME_RX_T_APPN);
        }
        if (!parsed.concatenated()) {
            String text = SmsText.decode(dataCoding, parsed.payload());
            if (text.isEmpty()) {
                throw new IllegalArgumentException("an empty message");
            }
            // SMPP 3.4 gives a phone's message no id of its own; a gateway may pass one in receipted_message_id
            String smscId = tlvString(pdu, OptionalParameter.Tag.RECEIPTED_MESSAGE_ID);
            String channelMessageId = smscId != null ? "smsc:" + smscId : null;
            String id = channelMessageId != null ? nameId(channelMessageId) : Ids.newId();
            bus.put(message(id, channelMessageId, from, to, now(), text, Map.of()));
            return;
        }
        Optional<Concatenation.Ready> ready = concatenation.accept(new Concatenation.Part(from, to,
                parsed.reference(), parsed.total(), parsed.sequence(), dataCoding, parsed.payload()));
        if (ready.isPresent()) {
            send(ready.get());
        }
    }

    /** Sends a reassembled message and marks it sent; also what the sweep calls for overdue ones. */
    void send(Concatenation.Ready ready) {
        bus.put(json.fromJson(ready.body(), Message.class));
        concatenation.sent(ready.setId());
    }

    private String body(Concatenation.Assembled a) {
        // the set's own id keeps two messages that reuse a reference (there are only 256) apart
        String channelMessageId = a.source() + "/" + a.reference() + "/" + a.setId();
        Map<String, String> headers = new HashMap<>();
        headers.put("smsParts", String.valueOf(a.total()));
        if (a.missing() > 0) {
            headers.put("smsMissingParts", String.valueOf(a.missing()));
        }
        return json.toJson(message(nameId(channelMessageId), channelMessageId, a.source(), a.destination(),
                a.firstPart().truncatedTo(ChronoUnit.MICROS), a.text(), headers));
    }

    private static Message message(String id, String channelMessageId, String from, String to, Instant time,
                                   String text, Map<String, String> headers) {
        Map<String, String> h = new HashMap<>(headers);
        if (to != null && !to.isBlank()) {
            h.put("smsTo", to);
        }
        return new Message(id, channelMessageId, Direction.INBOUND, new ChannelAddress(SmsChannel.CHANNEL, from),
                null, null, null, time, List.of(ContentPart.text(text)), h);
    }

    private void receipt(DeliverSm pdu) {
        String text = pdu.getShortMessage() == null ? "" : new String(pdu.getShortMessage(), StandardCharsets.ISO_8859_1);
        String smscId = tlvString(pdu, OptionalParameter.Tag.RECEIPTED_MESSAGE_ID);
        if (smscId == null) {
            smscId = find(RECEIPT_ID, text);
        }
        String state = null;
        if (pdu.getOptionalParameter(OptionalParameter.Tag.MESSAGE_STATE) instanceof OptionalParameter.Byte b
                && b.getValue() > 0 && b.getValue() < MESSAGE_STATES.length) {
            state = MESSAGE_STATES[b.getValue()];
        }
        if (state == null) {
            state = find(RECEIPT_STAT, text);
        }
        if (smscId == null || state == null) {
            throw new IllegalArgumentException("a receipt without id or stat: " + text);
        }
        String id = smscId;
        String st = state.toUpperCase(java.util.Locale.ROOT);
        String err = find(RECEIPT_ERR, text);
        Optional<Outbox.StatusChange> change = store.inTransaction(s -> Outbox.receipt(s, id, st, err));
        change.ifPresent(deliveries::publish);
    }

    private static String find(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    private static String tlvString(DeliverSm pdu, OptionalParameter.Tag tag) {
        if (pdu.getOptionalParameter(tag) instanceof OptionalParameter.OctetString o) {
            String v = o.getValueAsString();
            if (v != null) {
                v = v.replace("\0", "").strip();
                return v.isEmpty() ? null : v;
            }
        }
        return null;
    }

    private static String nameId(String channelMessageId) {
        return UUID.nameUUIDFromBytes(("sms:" + channelMessageId).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    /** SAR TLVs: concatenation said in optional parameters instead of a user data header. */
    private record Sar(int reference, int total, int sequence) {
        static Sar of(DeliverSm pdu) {
            if (pdu.getOptionalParameter(OptionalParameter.Tag.SAR_MSG_REF_NUM) instanceof OptionalParameter.Short ref
                    && pdu.getOptionalParameter(OptionalParameter.Tag.SAR_TOTAL_SEGMENTS) instanceof OptionalParameter.Byte total
                    && pdu.getOptionalParameter(OptionalParameter.Tag.SAR_SEGMENT_SEQNUM) instanceof OptionalParameter.Byte seq) {
                int t = total.getValue() & 0xFF;
                int n = seq.getValue() & 0xFF;
                return t > 1 && n >= 1 && n <= t ? new Sar(ref.getValue() & 0xFFFF, t, n) : null;
            }
            return null;
        }
    }

    /** The PDU as an operator reads it in the dead-letter queue: addresses, coding and the octets in hex. */
    static String describe(DeliverSm pdu) {
        byte[] sm = pdu.getShortMessage() == null ? new byte[0] : pdu.getShortMessage();
        StringBuilder hex = new StringBuilder(sm.length * 2);
        for (byte b : sm) {
            hex.append(String.format("%02x", b & 0xFF));
        }
        return "{\"pdu\":\"deliver_sm\",\"source\":\"" + pdu.getSourceAddr() + "\",\"destination\":\""
                + pdu.getDestAddress() + "\",\"esmClass\":" + (pdu.getEsmClass() & 0xFF) + ",\"dataCoding\":"
                + (pdu.getDataCoding() & 0xFF) + ",\"shortMessage\":\"" + hex + "\"}";
    }
}
