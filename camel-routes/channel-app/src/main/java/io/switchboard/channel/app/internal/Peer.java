package io.switchboard.channel.app.internal;

import java.util.function.Consumer;

/** One device's open connection, as the protocol sees it: text out, and hanging up. */
interface Peer {

    /**
     * Starts sending one text frame and returns at once, so that no thread waits for a slow device.
     *
     * @param sent called once the frame is written (with null) or could not be (with the failure);
     *             possibly before this method returns
     */
    void send(String frame, Consumer<Throwable> sent);

    /** Ends the connection with a WebSocket close code. */
    void close(int code, String reason);
}
