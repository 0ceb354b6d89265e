package io.switchboard.channel.app.internal;

import io.switchboard.rest.Problem;
import io.switchboard.rest.SourceRate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.servlet.FilterChain;
import javax.servlet.FilterConfig;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.http.whiteboard.Preprocessor;

/**
 * In front of the socket: an upgrade from an address over its rate gets 429 with
 * {@code Retry-After}, one without a valid device token 401, both as problem documents and before
 * any WebSocket exists, so nothing of theirs can reach the bus.
 *
 * <p>A whiteboard {@link Preprocessor}, not a filter: Pax Web puts Jetty's WebSocket upgrade filter
 * ahead of every whiteboard filter, so a filter sees only upgrades already done; preprocessors run
 * before the filter chain. A preprocessor sees every request of the server: all but the socket's
 * pass straight through.
 */
final class HandshakeGate implements Preprocessor {

    private final DeviceTokens tokens;
    private final SourceRate connectRate;

    HandshakeGate(DeviceTokens tokens, SourceRate connectRate) {
        this.tokens = tokens;
        this.connectRate = connectRate;
    }

    @Override
    public void init(FilterConfig config) {
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        if (!AppSocket.PATH.equals(request.getRequestURI())) {
            chain.doFilter(req, res);
            return;
        }
        long wait = connectRate.waitSeconds(request.getRemoteAddr(), System.currentTimeMillis());
        if (wait > 0) {
            response.setHeader("Retry-After", String.valueOf(wait));
            problem(response, 429, "Too many requests", "too many connections from this address; retry in " + wait + " s");
            return;
        }
        try {
            tokens.verify(request.getParameter("access_token"), System.currentTimeMillis() / 1000);
        } catch (DeviceTokens.Refused e) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"switchboard-app\", error=\"invalid_token\"");
            problem(response, 401, "Unauthorized", e.getMessage());
            return;
        }
        chain.doFilter(req, res);
    }

    private static void problem(HttpServletResponse response, int status, String title, String detail) throws IOException {
        response.setStatus(status);
        response.setContentType(Problem.MEDIA_TYPE + ";charset=UTF-8");
        String body = "{\"status\":" + status + ",\"title\":\"" + title + "\",\"detail\":\""
                + detail.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
        response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void destroy() {
    }
}
