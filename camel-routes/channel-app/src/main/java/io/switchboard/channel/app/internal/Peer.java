package io.switchboard.channel.app.internal;

import java.io.IOException;

/** One device's open connection, as the protocol sees it: text out, and hanging up. */
interface Peer {

    /** Sends one text frame; blocks until it is written, so a slow device slows only its own line. */
    void send(String frame) throws IOException;

    /** Ends the connection with a WebSocket close code. */
    void close(int code, String reason);
}
