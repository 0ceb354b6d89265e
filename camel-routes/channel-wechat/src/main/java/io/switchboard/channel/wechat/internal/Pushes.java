package io.switchboard.channel.wechat.internal;

import io.switchboard.api.ChannelAddress;
import io.switchboard.api.ContentPart;
import io.switchboard.api.Direction;
import io.switchboard.api.Message;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What a WeChat push means in the canonical model. The customer's address is their OpenID on the
 * account; the channel message id is WeChat's {@code MsgId}, or for events (which have none)
 * {@code FromUserName:CreateTime:Event}, so that WeChat's retries of one push are one message.
 */
final class Pushes {

    static final String CHANNEL = "wechat";
    /** The account a message came through, for the day there are several. */
    static final String ACCOUNT_HEADER = "wechatAccount";

    /** Events a conversation cares about; the rest (VIEW, TEMPLATESENDJOBFINISH, ...) are answered and dropped. */
    private static final Set<String> EVENTS = Set.of("subscribe", "unsubscribe", "CLICK");

    private Pushes() {
    }

    static ChannelAddress address(String openid) {
        return new ChannelAddress(CHANNEL, openid);
    }

    /**
     * @return the message, or empty for a push that is no customer's message (an unknown kind, a
     *         delivery report): WeChat is still answered {@code success}
     * @throws IllegalArgumentException when a field the kind needs is missing or malformed
     */
    static Optional<Message> toMessage(Map<String, String> f, String account) {
        String openid = required(f, "FromUserName");
        String type = required(f, "MsgType");
        long created;
        try {
            created = Long.parseLong(required(f, "CreateTime"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("CreateTime is not a number");
        }
        List<ContentPart> parts = new ArrayList<>();
        String channelMessageId = f.get("MsgId");
        switch (type) {
            case "text" -> parts.add(ContentPart.text(required(f, "Content")));
            case "image" -> parts.add(new ContentPart(ContentPart.Kind.IMAGE, null, f.get("PicUrl"), null,
                    required(f, "MediaId"), null, null));
            case "voice" -> {
                String format = f.getOrDefault("Format", "amr").toLowerCase(Locale.ROOT);
                parts.add(new ContentPart(ContentPart.Kind.FILE, null, null, "audio/" + format,
                        required(f, "MediaId"), null, null));
                // WeChat's speech recognition, when the account has it on: what agents and the bot read
                String recognition = f.get("Recognition");
                if (recognition != null && !recognition.isBlank()) {
                    parts.add(ContentPart.text(recognition));
                }
            }
            case "video", "shortvideo" -> parts.add(new ContentPart(ContentPart.Kind.FILE, null, null, "video/mp4",
                    required(f, "MediaId"), null, null));
            case "location" -> parts.add(new ContentPart(ContentPart.Kind.LOCATION, blankToNull(f.get("Label")), null,
                    null, null, coordinate(f, "Location_X"), coordinate(f, "Location_Y")));
            case "link" -> parts.add(new ContentPart(ContentPart.Kind.TEXT,
                    required(f, "Title") + "\n" + required(f, "Url"), f.get("Url"), "text/html", f.get("Title"), null, null));
            case "event" -> {
                String event = required(f, "Event");
                if (!EVENTS.contains(event)) {
                    return Optional.empty();
                }
                parts.add(new ContentPart(ContentPart.Kind.EVENT, blankToNull(f.get("EventKey")), null, null, event,
                        null, null));
                channelMessageId = openid + ":" + created + ":" + event;
            }
            default -> {
                return Optional.empty();
            }
        }
        if (channelMessageId == null || channelMessageId.isBlank()) {
            channelMessageId = openid + ":" + created + ":" + type;
        }
        // the same push, retried, gets the same id: the core stores it once even after the bus forgot
        String id = UUID.nameUUIDFromBytes((CHANNEL + ":" + channelMessageId).getBytes(StandardCharsets.UTF_8)).toString();
        return Optional.of(new Message(id, channelMessageId, Direction.INBOUND, address(openid), null, null, null,
                Instant.ofEpochSecond(created), parts, Map.of(ACCOUNT_HEADER, account)));
    }

    private static String required(Map<String, String> f, String name) {
        String v = f.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(name + " is missing");
        }
        return v;
    }

    private static Double coordinate(Map<String, String> f, String name) {
        try {
            return Double.valueOf(required(f, name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " is not a number");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
