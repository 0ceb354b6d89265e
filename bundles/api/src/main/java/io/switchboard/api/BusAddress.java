package io.switchboard.api;

/**
 * The durable Artemis addresses between plugins and the core, and the message properties that
 * travel with them. Property names are JMS identifiers (no dots), so every protocol carries them.
 */
public final class BusAddress {

    /** Every message a channel receives, normalized, grouped by conversation key. */
    public static final String INBOUND = "sb.inbound";
    /** Domain events (multicast). */
    public static final String EVENTS = "sb.events";
    /**
     * Events raised by business systems: a multicast address, published to; each consumer reads its
     * own durable queue on it ({@code sb.business-events::sb.business-events.<consumer>}).
     */
    public static final String BUSINESS_EVENTS = "sb.business-events";
    /** Customers' messages while their conversation is with the bot (anycast, grouped by conversation). */
    public static final String BOT = "sb.bot";
    /** Prefix Artemis puts before an address to name its dead-letter queue. */
    public static final String DEAD_LETTER_PREFIX = "DLQ.";

    /** Artemis drops a second message with the same value of this property on an address. */
    public static final String DUPLICATE_ID = "_AMQ_DUPL_ID";
    /** Artemis message groups: one conversation is consumed in order by one consumer. */
    public static final String GROUP_ID = "JMSXGroupID";
    /** Why a message was dead-lettered (the exception's class and message). */
    public static final String DEAD_LETTER_REASON = "sbDeadLetterReason";
    /** The address the dead-lettered message was consumed from; a replay sends it back there. */
    public static final String DEAD_LETTER_ORIGIN = "sbDeadLetterOrigin";
    /** When it was dead-lettered (ISO-8601). */
    public static final String DEAD_LETTER_TIME = "sbDeadLetterTime";
    /** The canonical type of the JSON body, e.g. {@code Message} or {@code DomainEvent}. */
    public static final String PAYLOAD_TYPE = "sbPayloadType";
    /**
     * A domain event's type ({@link DomainEvent#type()}) on {@link #EVENTS}, so that a consumer takes only
     * the kinds it uses with a selector, e.g. {@code sbEventType LIKE 'system.%'}, and the broker does
     * not deliver it the rest.
     */
    public static final String EVENT_TYPE = "sbEventType";

    private BusAddress() {
    }

    /** What the core wants the channel called {@code channel} to send. */
    public static String outbound(String channel) {
        return "sb.outbound." + new ChannelAddress(channel, "-").channel();
    }

    /** Requests to the connector of the third-party system called {@code system}. */
    public static String systemRequest(String system) {
        return "sb.system." + new ChannelAddress(system, "-").channel() + ".request";
    }

    /** Where connectors answer the requests of {@code caller} (a bundle's short name, e.g. {@code flows}). */
    public static String systemReply(String caller) {
        return "sb.system.reply." + new ChannelAddress(caller, "-").channel();
    }

    public static String deadLetter(String address) {
        return DEAD_LETTER_PREFIX + address;
    }
}
