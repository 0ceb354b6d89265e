package io.switchboard.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP forwarder between a client under test (a browser) and a server, that a test can break the
 * way networks break: {@link #cut()} drops every open connection and refuses new ones until
 * {@link #restore()}; {@link #mute()} lets requests through but swallows every answer, so the
 * server acts while the client hears nothing (a lost acknowledgement).
 */
public final class TcpCut implements AutoCloseable {

    private final InetSocketAddress target;
    private volatile int port;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile ServerSocket listener;
    private volatile boolean muted;
    private volatile boolean closed;

    private TcpCut(InetSocketAddress target) {
        this.target = target;
    }

    /** Forwards a free port on 127.0.0.1 to {@code host:port}. */
    public static TcpCut to(String host, int port) {
        TcpCut cut = new TcpCut(new InetSocketAddress(host, port));
        cut.listen();
        return cut;
    }

    public int port() {
        return port;
    }

    /** {@code path} on the server, reached through this forwarder. */
    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Connections accepted so far. */
    public int connections() {
        return accepted.get();
    }

    /** Every open connection is dropped; new ones are refused (nothing listens) until {@link #restore()}. */
    public synchronized void cut() {
        ServerSocket l = listener;
        listener = null;
        if (l != null) {
            quietly(l);
        }
        links.forEach(Link::close);
        links.clear();
        muted = false;
    }

    /** Listens again on the same port; answers flow again. */
    public synchronized void restore() {
        muted = false;
        if (listener == null && !closed) {
            listen();
        }
    }

    /** From now until {@link #cut()} or {@link #restore()}, what the server answers never reaches the client. */
    public void mute() {
        muted = true;
    }

    @Override
    public synchronized void close() {
        closed = true;
        cut();
    }

    private void listen() {
        ServerSocket l = null;
        IOException last = null;
        // the port was ours a moment ago; a connection closing on it may hold it for an instant
        for (int attempt = 0; attempt < 50 && l == null; attempt++) {
            try {
                l = new ServerSocket();
                l.setReuseAddress(true);
                // the first time any free port, then the same one again
                l.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
                port = l.getLocalPort();
            } catch (IOException e) {
                quietly(l);
                l = null;
                last = e;
                sleep(100);
            }
        }
        if (l == null) {
            throw new UncheckedIOException("cannot listen on " + port + " again", last);
        }
        listener = l;
        ServerSocket mine = l;
        Thread acceptor = new Thread(() -> accept(mine), "tcp-cut-accept-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void accept(ServerSocket l) {
        while (listener == l) {
            Socket client;
            try {
                client = l.accept();
            } catch (IOException e) {
                return; // cut
            }
            accepted.incrementAndGet();
            Socket server = new Socket();
            try {
                server.connect(target, 5000);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
            } catch (IOException e) {
                quietly(client);
                quietly(server);
                continue;
            }
            Link link = new Link(client, server);
            synchronized (this) {
                if (listener != l) {
                    link.close();
                    return;
                }
                links.add(link);
            }
            link.start();
        }
    }

    private final class Link {
        private final Socket client;
        private final Socket server;
        private final AtomicInteger open = new AtomicInteger(2);

        Link(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void start() {
            pump(client, server, false, "up");
            pump(server, client, true, "down");
        }

        private void pump(Socket from, Socket to, boolean answers, String direction) {
            Thread t = new Thread(() -> {
                byte[] buffer = new byte[16 * 1024];
                try {
                    InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream();
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        if (answers && muted) {
                            continue;
                        }
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                    // an orderly end on one side is passed on as one
                    to.shutdownOutput();
                    if (open.decrementAndGet() == 0) {
                        end();
                    }
                } catch (IOException e) {
                    end(); // either side went away, or the test cut the link
                }
            }, "tcp-cut-" + direction + "-" + port);
            t.setDaemon(true);
            t.start();
        }

        /** Both sides closed after an orderly end or an error. */
        void end() {
            links.remove(this);
            quietly(client);
            quietly(server);
        }

        /** As when a network path dies: a reset, so the client sees an error rather than an end. */
        void close() {
            links.remove(this);
            try {
                client.setSoLinger(true, 0);
            } catch (IOException ignored) {
                // already closed
            }
            quietly(client);
            quietly(server);
        }
    }

    private static void quietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // closing is all that is wanted
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
