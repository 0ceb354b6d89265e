package io.switchboard.channel.app.internal;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.websocket.CloseReason;
import javax.websocket.OnClose;
import javax.websocket.OnError;
import javax.websocket.OnMessage;
import javax.websocket.OnOpen;
import javax.websocket.Session;
import javax.websocket.server.ServerEndpoint;

/**
 * {@code ws(s)://…/switchboard/app/socket?access_token=…&since=…&ping=…}: the JSR-356 endpoint,
 * registered as one instance on Pax Web's whiteboard (property {@code websocket=true}), so every
 * connection shares this object and keeps its own state in its {@link Session}. The
 * {@link HandshakeGate} has already answered 401/429 to bad upgrades; the token is checked again
 * here because the endpoint must never depend on a filter's ordering for its safety.
 */
@ServerEndpoint("/socket")
public final class AppSocket {

    /** The socket as the world sees it: {@code /socket} in the channel's own servlet context {@code /switchboard/app}. */
    static final String PATH = "/switchboard/app/socket";
    private static final String LINE = "switchboard.app.line";

    private final Lines lines;
    private final DeviceTokens tokens;
    private final int maxFrameBytes;

    AppSocket(Lines lines, DeviceTokens tokens, int maxFrameBytes) {
        this.lines = lines;
        this.tokens = tokens;
        this.maxFrameBytes = maxFrameBytes;
    }

    @OnOpen
    public void open(Session session) {
        Map<String, List<String>> query = session.getRequestParameterMap();
        DeviceTokens.Device device;
        try {
            device = tokens.verify(first(query, "access_token"), System.currentTimeMillis() / 1000);
        } catch (DeviceTokens.Refused e) {
            close(session, Lines.UNAUTHORIZED, e.getMessage());
            return;
        }
        Long since = number(first(query, "since"));
        Long ping = number(first(query, "ping"));
        session.setMaxTextMessageBufferSize(maxFrameBytes);
        Peer peer = new Peer() {
            @Override
            public void send(String frame, Consumer<Throwable> sent) {
                try {
                    session.getAsyncRemote().sendText(frame, result -> sent.accept(result.isOK() ? null : result.getException()));
                } catch (RuntimeException closed) {
                    sent.accept(closed);
                }
            }

            @Override
            public void close(int code, String reason) {
                AppSocket.close(session, code, reason);
            }
        };
        Lines.Line line = lines.open(device, peer, since, ping == null ? null : (int) Math.min(Integer.MAX_VALUE, ping));
        // a device silent for its heartbeat interval and the grace after it is gone: the line is closed
        session.setMaxIdleTimeout((line.pingSeconds + lines.settings().graceSeconds()) * 1000L);
        session.getUserProperties().put(LINE, line);
    }

    @OnMessage
    public void text(Session session, String text) {
        Lines.Line line = (Lines.Line) session.getUserProperties().get(LINE);
        if (line != null) {
            lines.received(line, text);
        }
    }

    @OnClose
    public void closed(Session session, CloseReason reason) {
        Lines.Line line = (Lines.Line) session.getUserProperties().remove(LINE);
        if (line != null) {
            lines.closed(line);
        }
    }

    @OnError
    public void failed(Session session, Throwable error) {
        closed(session, null);
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static Long number(String value) {
        return value != null && value.matches("\\d{1,15}") ? Long.valueOf(value) : null;
    }

    static void close(Session session, int code, String reason) {
        try {
            String r = reason == null ? "" : reason;
            // a close reason is at most 123 bytes of UTF-8
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), r.length() > 60 ? r.substring(0, 60) : r));
        } catch (IOException | IllegalStateException e) {
            // already closed
        }
    }
}
