package io.switchboard.channel.wechat.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.switchboard.api.CanonicalJson;
import io.switchboard.rest.RestEndpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.ws.rs.WebApplicationException;
import javax.ws.rs.core.Response;

/**
 * Serves a {@link CallbackApi} over real HTTP at its server path, as CXF does in Karaf (status,
 * headers, text and problem bodies), so the sandbox's WeChat server can push to it.
 */
final class CallbackServer implements AutoCloseable {

    static final String PATH = RestEndpoint.ROOT + "/wechat/";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8);
    private final CallbackApi api;
    private final CanonicalJson json = new CanonicalJson();

    CallbackServer(CallbackApi api) throws IOException {
        this.api = api;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(executor);
        server.createContext(PATH, this::handle);
        server.start();
    }

    URI url(String account) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH + account);
    }

    private void handle(HttpExchange x) throws IOException {
        String account = x.getRequestURI().getPath().substring(PATH.length());
        Map<String, String> query = query(x.getRequestURI().getRawQuery());
        String remote = x.getRemoteAddress().getAddress().getHostAddress();
        String length = x.getRequestHeaders().getFirst("Content-Length");
        Response r;
        try {
            r = switch (x.getRequestMethod()) {
                case "GET" -> api.verify(account, query, remote);
                case "POST" -> api.receive(account, query, x.getRequestBody(), length == null ? -1 : Long.parseLong(length), remote);
                default -> Response.status(405).build();
            };
        } catch (WebApplicationException e) {
            r = e.getResponse();
        }
        try (x) {
            r.getStringHeaders().forEach((name, values) -> x.getResponseHeaders().put(name, List.copyOf(values)));
            Object entity = r.getEntity();
            byte[] body = entity == null ? new byte[0]
                    : (entity instanceof String s ? s : json.toJson(entity)).getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(r.getStatus(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = x.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                q.putIfAbsent(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(eq < 0 ? "" : pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return q;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
