package io.switchboard.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** On Jetty 9.4, the servlet container Karaf serves with, over real sockets. */
class EventStreamTest {

    static final String EVENT_4K = "event: message\ndata: " + "x".repeat(4096) + "\n\n";

    Server server;
    int port;
    final AtomicLong nanos = new AtomicLong(1);
    /** Streams as they open, and the ones that ended. */
    final BlockingQueue<EventStream> opened = new LinkedBlockingQueue<>();
    final List<EventStream> ended = new CopyOnWriteArrayList<>();
    volatile EventStream.Limits limits = new EventStream.Limits(60_000, 64 * 1024, 5_000);

    @BeforeEach
    void start() throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        ServletHolder holder = new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws java.io.IOException {
                opened.add(EventStream.open(request, response, limits, ended::add, nanos::get));
            }
        });
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/stream");
        server.setHandler(context);
        server.start();
        port = connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    /** A client that sends its request and then never reads a byte. */
    Socket neverReads() throws Exception {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        OutputStream out = socket.getOutputStream();
        out.write(("GET /stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    /** A client that reads every line as it comes. */
    BlockingQueue<String> reads() {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/stream")).build(),
                HttpResponse.BodyHandlers.ofInputStream()).thenAccept(response -> {
                    try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = in.readLine()) != null) {
                            lines.add(line);
                        }
                        lines.add("<end>");
                    } catch (java.io.IOException e) {
                        lines.add("<end>");
                    }
                });
        return lines;
    }

    EventStream next() throws InterruptedException {
        EventStream stream = opened.poll(10, TimeUnit.SECONDS);
        assertTrue(stream != null, "the stream opened");
        return stream;
    }

    static String await(BlockingQueue<String> lines, String prefix) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        String line;
        while ((line = lines.poll(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS)) != null) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new AssertionError("no line starting " + prefix);
    }

    /** Sends until the stream refuses, as a flood to one visitor would; returns how many it took. */
    static int floodUntilCut(EventStream stream) {
        int sent = 0;
        while (stream.send(EVENT_4K)) {
            sent++;
            if (sent > 100_000) {
                throw new AssertionError("a reader that never reads was never cut off");
            }
        }
        return sent;
    }

    @Test
    void aReaderThatNeverReadsIsCutOffWithoutEverHoldingUpTheSenderOrAnotherReader() throws Exception {
        try (Socket stuck = neverReads()) {
            EventStream slow = next();
            BlockingQueue<String> lines = reads();
            EventStream healthy = next();

            int taken = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> floodUntilCut(slow),
                    "sending never waits for the reader");
            assertEquals(EventStream.End.TOO_FAR_BEHIND, slow.end());
            assertTrue(taken * 4096L < 64 * 1024 + 4 * 1024 * 1024, "buffered is bounded: " + taken + " events");
            assertEquals(0, slow.pendingBytes(), "nothing is kept for a stream that ended");
            assertTrue(ended.contains(slow), "the owner is told");

            assertTrue(healthy.send("event: message\ndata: 你好 🙋\n\n"));
            assertEquals("data: 你好 🙋", await(lines, "data:"));
            assertTrue(healthy.isOpen());
        }
    }

    @Test
    void aReaderThatTakesNothingForTheStallLimitIsCutOffAtTheNextSend() throws Exception {
        limits = new EventStream.Limits(60_000, 64 * 1024 * 1024, 5_000);
        try (Socket stuck = neverReads()) {
            EventStream slow = next();
            // fill the socket and the container's buffer until the connection takes no more
            int sent = 0;
            while (slow.pendingBytes() == 0 && sent < 10_000) {
                assertTrue(slow.send(EVENT_4K));
                sent++;
            }
            assertTrue(slow.pendingBytes() > 0, "the connection refused more at last");
            nanos.addAndGet(4_000_000_000L);
            assertTrue(slow.send(": ping\n\n"), "within the limit it waits");
            nanos.addAndGet(2_000_000_000L);
            assertFalse(slow.send(": ping\n\n"));
            assertEquals(EventStream.End.STALLED, slow.end());
            assertTrue(ended.contains(slow));
        }
    }

    @Test
    void aLastEventIsReadBeforeTheStreamEnds() throws Exception {
        BlockingQueue<String> lines = reads();
        EventStream stream = next();
        assertTrue(stream.send(": connected\n\n"));
        stream.finish("event: session.expired\ndata: {}\n\n");
        assertEquals("event: session.expired", await(lines, "event:"));
        assertEquals("<end>", await(lines, "<end>"));
        assertFalse(stream.send(": ping\n\n"));
        assertEquals(EventStream.End.CLOSED, stream.end());
    }

    @Test
    void aClientThatHangsUpEndsItsStream() throws Exception {
        Socket gone = neverReads();
        EventStream stream = next();
        gone.setSoLinger(true, 0);
        gone.close();
        long deadline = System.currentTimeMillis() + 10_000;
        while (stream.isOpen() && System.currentTimeMillis() < deadline) {
            stream.send(": ping\n\n");
            Thread.sleep(50);
        }
        assertFalse(stream.isOpen(), "writing to a reset connection ends the stream");
        assertTrue(ended.contains(stream));
    }

    @Test
    void eventsArriveInOrderAndEachIsReadAsSent() throws Exception {
        BlockingQueue<String> lines = reads();
        EventStream stream = next();
        for (int i = 1; i <= 500; i++) {
            assertTrue(stream.send("id: " + i + "\nevent: message\ndata: {\"n\":" + i + "}\n\n"));
        }
        for (int i = 1; i <= 500; i++) {
            assertEquals("id: " + i, await(lines, "id:"));
        }
    }
}
