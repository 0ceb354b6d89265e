package io.switchboard.app.client;

import java.net.URI;

/**
 * How the client reaches the server: one WebSocket at a time. {@link JdkTransport} uses
 * {@code java.net.http} (Java 11+); on Android, where that package does not exist, give the client
 * an OkHttp-backed one (docs/channels/app.md has it, twenty lines).
 */
public interface Transport {

    /** Opens a WebSocket to {@code uri}; every event of it goes to {@code events}, on any thread. */
    Connection open(URI uri, Events events);

    /** An open (or opening) WebSocket. Calls may come from any thread; the transport keeps frames in call order. */
    interface Connection {
        void sendText(String text);

        /** A WebSocket ping frame with no payload; the server's pong comes back as {@link Events#pong()}. */
        void ping();

        void close();
    }

    /** What the transport reports. After {@link #closed} or {@link #failed} nothing more comes. */
    interface Events {
        void opened();

        void text(String frame);

        void pong();

        void closed(int code, String reason);

        /** @param httpStatus the handshake's HTTP status when the server refused it (401, 429), else 0 */
        void failed(Throwable error, int httpStatus);
    }
}
