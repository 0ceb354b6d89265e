package io.switchboard.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TcpCutTest {

    ServerSocket echo;
    final List<String> heard = new CopyOnWriteArrayList<>();
    TcpCut cut;

    /** Answers each line with the line in capitals; remembers what it heard. */
    @BeforeEach
    void start() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread c = new Thread(() -> serve(s));
                    c.setDaemon(true);
                    c.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        cut = TcpCut.to("127.0.0.1", echo.getLocalPort());
    }

    void serve(Socket s) {
        try (s; var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
             var out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                heard.add(line);
                out.println(line.toUpperCase());
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    @AfterEach
    void stop() throws IOException {
        cut.close();
        echo.close();
    }

    static final class Client implements AutoCloseable {
        final Socket socket;
        final BufferedReader in;
        final PrintWriter out;

        Client(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(2000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
        }

        String ask(String line) throws IOException {
            out.println(line);
            return in.readLine();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void forwardsBothWaysUntilCutThenRefusesUntilRestored() throws Exception {
        try (Client client = new Client(cut.port())) {
            assertEquals("HELLO 你好", client.ask("hello 你好"));
            cut.cut();
            assertThrows(IOException.class, () -> {
                String answer = client.ask("after the cut");
                if (answer == null) {
                    throw new IOException("ended");
                }
            });
        }
        assertNothingListens(cut.port());

        cut.restore();
        try (Client again = new Client(cut.port())) {
            assertEquals("BACK", again.ask("back"));
        }
        assertEquals(2, cut.connections());
    }

    /**
     * A connect to a port nobody listens on is refused, except that Linux may pick that very port
     * as the connecting socket's own ephemeral port and connect the socket to itself (TCP
     * simultaneous open); then nothing listened either, since the kernel could not have used the
     * port for both.
     */
    static void assertNothingListens(int port) throws IOException {
        Socket s;
        try {
            s = new Socket(InetAddress.getLoopbackAddress(), port);
        } catch (ConnectException refused) {
            return;
        }
        try (s) {
            assertEquals(port, s.getLocalPort(), "something accepted a connection on " + port + " after the cut");
        }
    }

    @Test
    void mutedTheServerStillHearsButTheClientHearsNothing() throws Exception {
        try (Client client = new Client(cut.port())) {
            assertEquals("ONE", client.ask("one"));
            cut.mute();
            client.out.println("two");
            assertThrows(SocketTimeoutException.class, client.in::readLine);
            assertTrue(heard.contains("two"), "the request got through: " + heard);
        }
        cut.restore();
        try (Client client = new Client(cut.port())) {
            assertEquals("THREE", client.ask("three"));
        }
    }
}
