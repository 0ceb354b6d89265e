package io.switchboard.field.internal;

import java.io.IOException;
import java.io.InputStream;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * The app's address itself ({@code /switchboard/field/}): the whiteboard's resource servlet serves the
 * files under it but knows no welcome file, and {@code /switchboard/field} without the slash would
 * resolve the page's relative links against the wrong directory, so it is redirected.
 */
final class EntryPage extends HttpServlet {

    private static final long serialVersionUID = 1L;
    /**
     * Nothing is loaded from elsewhere (a phone on a site may reach only our server) and no script runs
     * inline. {@code blob:} images are the worker's own photos, fetched with their token and shown locally.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data: blob:; frame-ancestors 'none'";

    private final String home;
    private final transient ClassLoader loader;
    private final String resource;

    EntryPage(String home, ClassLoader loader, String resource) {
        this.home = home;
        this.loader = loader;
        this.resource = resource;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!request.getRequestURI().endsWith("/")) {
            String query = request.getQueryString();
            response.sendRedirect(home + (query == null ? "" : "?" + query));
            return;
        }
        byte[] page;
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                response.sendError(404);
                return;
            }
            page = in.readAllBytes();
        }
        response.setStatus(200);
        response.setContentType("text/html;charset=UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setContentLength(page.length);
        response.getOutputStream().write(page);
    }
}
