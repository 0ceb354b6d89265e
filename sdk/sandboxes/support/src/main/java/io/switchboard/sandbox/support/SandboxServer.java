package io.switchboard.sandbox.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What every HTTP sandbox is: the JDK's HTTP server on {@code 127.0.0.1}, which can be
 * {@link #stop() stopped} and {@link #start() started} again. A stopped sandbox is a real outage (a
 * client meets "connection refused") and keeps what it holds; it comes back on the same port, so a
 * connector configured once finds it again. Port 0 takes a free port at the first start and keeps it.
 *
 * <p>A sandbox extends it and registers its handlers with {@link #context} in its constructor; the
 * static methods are what every handler does with an exchange.
 */
public abstract class SandboxServer implements AutoCloseable {

    public static final String JSON = "application/json; charset=utf-8";
    public static final String HTML = "text/html; charset=utf-8";

    private final String name;
    private final Map<String, HttpHandler> contexts = new LinkedHashMap<>();
    private volatile int port;
    private HttpServer server;
    private ExecutorService workers;

    /** @param name names the worker threads, to tell the sandboxes apart in a thread dump */
    protected SandboxServer(String name, int port) {
        this.name = name;
        this.port = port;
    }

    /** Answers requests under {@code path} with {@code handler}, from the next {@link #start()} on. */
    protected final synchronized void context(String path, HttpHandler handler) {
        contexts.put(path, handler);
    }

    /** Listens (again); nothing if it already does. */
    public synchronized void start() {
        if (server != null) {
            return;
        }
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
            contexts.forEach(http::createContext);
            workers = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            });
            http.setExecutor(workers);
            http.start();
            port = http.getAddress().getPort();
            server = http;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on port " + port, e);
        }
    }

    /** Closes the port at once, answers in flight included; nothing if it is stopped already. */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            workers.shutdownNow();
            server = null;
        }
    }

    public synchronized boolean running() {
        return server != null;
    }

    @Override
    public void close() {
        stop();
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>}; a sandbox whose API lives under a path adds it. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The request body as text (the sandboxes' APIs are UTF-8 throughout). */
    public static String body(HttpExchange exchange) throws IOException {
        return new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    }

    public static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    public static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        send(exchange, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Answers {@code body} written as JSON (see {@link Json#write(Object)}). */
    public static void json(HttpExchange exchange, int status, Object body) throws IOException {
        send(exchange, status, JSON, Json.write(body));
    }

    /**
     * Answers an HTML error page with {@code status}, as a gateway in front of a broken system does:
     * no JSON or SOAP a client could mistake for the system's own answer.
     */
    public static void errorPage(HttpExchange exchange, int status) throws IOException {
        send(exchange, status, HTML, "<html><body><h1>" + status + " Service Unavailable</h1></body></html>");
    }

    /**
     * Waits {@code delay} (a slow system; long enough, the client's timeout).
     *
     * @return false if the wait was interrupted, as a {@link #stop()} does to the handlers in flight
     */
    public static boolean pause(Duration delay) {
        long millis = delay.toMillis();
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
