package io.switchboard.channel.voice.internal;

import io.switchboard.rest.SourceRate;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.ChannelAddress;
import io.switchboard.api.ContentPart;
import io.switchboard.api.Direction;
import io.switchboard.api.Message;
import io.switchboard.bus.BusUnavailableException;
import io.switchboard.rest.Problem;
import io.switchboard.rest.RequestSignature;
import io.switchboard.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * {@code POST /switchboard/api/voice/events}: what the PBX or CTI reports of a call, as signed JSON
 * ({@link VoiceChannel#signature}). Checked in the order that costs least: the sender's rate (429), the
 * size (413), the signature (401), the JSON (400); only then does anything go on the bus, and the
 * 202 comes once the broker has it. A retry of the same event is the same message on the bus,
 * which drops it.
 */
final class CallEvents extends HttpServlet {

    private static final long serialVersionUID = 1L;
    static final Set<String> EVENTS = Set.of("offered", "answered", "ended");

    /** The PBX's JSON. {@code time} is optional (ISO-8601); the server's clock otherwise. */
    public record CallEvent(String callId, String event, String ani, String dnis, String queue, String agentId,
                            String recordingUrl, String time) {
    }

    /** Puts the message on the bus and returns once it is durable there. */
    interface Inbound {
        void accept(Message message);
    }

    private final transient RequestSignature signature;
    private final transient SourceRate rate;
    private final transient CanonicalJson json;
    private final transient Inbound inbound;
    private final int maxBodyBytes;

    CallEvents(RequestSignature signature, SourceRate rate, CanonicalJson json, Inbound inbound, int maxBodyBytes) {
        this.signature = signature;
        this.rate = rate;
        this.json = json;
        this.inbound = inbound;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        long wait = rate.waitSeconds(request.getRemoteAddr(), System.currentTimeMillis());
        if (wait > 0) {
            response.setHeader("Retry-After", String.valueOf(wait));
            problem(response, 429, "Too many requests", "this source sends more call events than allowed; retry in " + wait + " s");
            return;
        }
        byte[] body = read(request.getInputStream());
        if (body == null) {
            problem(response, 413, "Payload too large", "a call event is at most " + maxBodyBytes + " bytes");
            return;
        }
        String timestamp = request.getHeader(signature.timestampHeader());
        String signed = request.getHeader(signature.signatureHeader());
        String refused = signature.refuse(timestamp, signed, body, Instant.now());
        if (refused != null) {
            problem(response, 401, "Unauthorized", refused);
            return;
        }
        Message message;
        try {
            message = toMessage(json.fromJson(new String(body, StandardCharsets.UTF_8), CallEvent.class));
        } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
            problem(response, 400, "Bad request", e.getMessage());
            return;
        }
        try {
            if (!signature.firstTime(timestamp, signed)) {
                // the PBX's retry of an event it got no answer to, or a capture replayed: answered, not queued again
                response.setStatus(200);
                response.setContentType("application/json;charset=UTF-8");
                response.getOutputStream().write(json.toJson(Map.of("messageId", message.id(),
                        "callId", message.headers().get("callId"), "duplicate", true)).getBytes(StandardCharsets.UTF_8));
                return;
            }
        } catch (StoreException e) {
            response.setHeader("Retry-After", "5");
            problem(response, 503, "Service unavailable", "the event could not be checked against earlier ones; retry");
            return;
        }
        try {
            inbound.accept(message);
        } catch (BusUnavailableException e) {
            signature.giveBack(signed);
            response.setHeader("Retry-After", "5");
            problem(response, 503, "Service unavailable", "the bus did not take the event; retry");
            return;
        }
        response.setStatus(202);
        response.setContentType("application/json;charset=UTF-8");
        response.getOutputStream().write(json.toJson(Map.of("messageId", message.id(),
                "callId", message.headers().get("callId"))).getBytes(StandardCharsets.UTF_8));
    }

    static Message toMessage(CallEvent e) {
        if (e == null) {
            throw new IllegalArgumentException("a JSON body is required");
        }
        if (e.callId() == null || !e.callId().matches("[A-Za-z0-9._:@-]{1,100}")) {
            throw new IllegalArgumentException("callId must be 1-100 letters, digits or . _ : @ -");
        }
        if (e.event() == null || !EVENTS.contains(e.event())) {
            throw new IllegalArgumentException("event must be offered, answered or ended");
        }
        if (e.ani() == null || !e.ani().matches("\\+?[0-9][0-9 ()-]{2,30}")) {
            throw new IllegalArgumentException("ani must be the caller's number, E.164 preferred");
        }
        Map<String, String> headers = new HashMap<>();
        headers.put("callId", e.callId());
        put(headers, "dnis", e.dnis());
        put(headers, "queue", e.queue());
        put(headers, "agentId", e.agentId());
        put(headers, "recordingUrl", e.recordingUrl());
        Instant time = e.time() == null ? Instant.now() : Instant.parse(e.time());
        String channelMessageId = e.callId() + ":" + e.event();
        String id = UUID.nameUUIDFromBytes(("voice:" + channelMessageId).getBytes(StandardCharsets.UTF_8)).toString();
        return new Message(id, channelMessageId, Direction.INBOUND, new ChannelAddress("voice", e.ani().replaceAll("[ ()-]", "")),
                null, null, e.agentId(), time.truncatedTo(ChronoUnit.MICROS),
                List.of(ContentPart.event("call." + e.event())), headers);
    }

    private static void put(Map<String, String> headers, String key, String value) {
        if (value != null && !value.isBlank()) {
            if (value.length() > 500) {
                throw new IllegalArgumentException(key + " longer than 500 characters");
            }
            headers.put(key, value);
        }
    }

    /** The body, or null if it is larger than allowed (read no further than that). */
    private byte[] read(InputStream in) throws IOException {
        byte[] body = in.readNBytes(maxBodyBytes + 1);
        return body.length > maxBodyBytes ? null : body;
    }

    private void problem(HttpServletResponse response, int status, String title, String detail) throws IOException {
        response.setStatus(status);
        response.setContentType(Problem.MEDIA_TYPE + ";charset=UTF-8");
        response.getOutputStream().write(json.toJson(Problem.of(status, title, detail)).getBytes(StandardCharsets.UTF_8));
    }
}
