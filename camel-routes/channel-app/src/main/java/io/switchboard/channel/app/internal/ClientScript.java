package io.switchboard.channel.app.internal;

import java.io.IOException;
import java.io.InputStream;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * {@code /switchboard/app/client.js}, the browser client (sdk/app-client-js) built into this
 * bundle: read once, served with a short cache so an updated channel's client is picked up soon.
 */
final class ClientScript extends HttpServlet {

    private static final long serialVersionUID = 1L;
    static final String RESOURCE = "io/switchboard/channel/app/client/client.js";

    private final byte[] script;

    ClientScript(ClassLoader loader) throws IOException {
        try (InputStream in = loader.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException(RESOURCE + " is missing from the bundle");
            }
            script = in.readAllBytes();
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/javascript; charset=UTF-8");
        response.setHeader("Cache-Control", "max-age=300");
        response.setContentLength(script.length);
        response.getOutputStream().write(script);
    }
}
