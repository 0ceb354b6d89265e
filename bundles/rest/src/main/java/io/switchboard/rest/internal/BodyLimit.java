package io.switchboard.rest.internal;

import io.switchboard.api.CanonicalJson;
import io.switchboard.rest.Problem;
import io.switchboard.rest.ProblemException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.servlet.ReadListener;
import javax.servlet.ServletInputStream;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletRequestWrapper;
import javax.servlet.http.HttpServletResponse;

/**
 * An endpoint's limit on a request body, whatever reads it (JSON, an attachment's bytes, a KAR): a
 * body that says it is larger is answered 413 before a byte of it is read, and one that does not say
 * (chunked) is cut off with 413 the moment it passes the limit. Nothing larger than the limit is
 * ever held in memory.
 */
public final class BodyLimit extends HttpServletRequestWrapper {

    private final long maxBytes;

    private BodyLimit(HttpServletRequest request, long maxBytes) {
        super(request);
        this.maxBytes = maxBytes;
    }

    /**
     * @return the request to serve, its body counted; or null when it was answered 413 already
     */
    public static HttpServletRequest admit(HttpServletRequest request, HttpServletResponse response, long maxBytes,
            CanonicalJson json) throws IOException {
        if (request.getContentLengthLong() > maxBytes) {
            byte[] problem = json.toJson(Problem.of(413, "Body too large", "the body is " + request.getContentLengthLong()
                    + " bytes; this endpoint takes at most " + maxBytes)).getBytes(StandardCharsets.UTF_8);
            response.setStatus(413);
            response.setContentType(Problem.MEDIA_TYPE + ";charset=UTF-8");
            // the body is not read: the connection cannot carry another request after it
            response.setHeader("Connection", "close");
            response.setContentLength(problem.length);
            response.getOutputStream().write(problem);
            response.flushBuffer();
            return null;
        }
        return new BodyLimit(request, maxBytes);
    }

    static ProblemException tooLarge(long maxBytes) {
        return new ProblemException(413, "Body too large", "the body exceeds " + maxBytes + " bytes");
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
        ServletInputStream in = super.getInputStream();
        return new ServletInputStream() {
            private long read;

            private int counted(int n) {
                if (n > 0) {
                    read += n;
                    if (read > maxBytes) {
                        throw tooLarge(maxBytes);
                    }
                }
                return n;
            }

            @Override
            public int read() throws IOException {
                int b = in.read();
                if (b >= 0) {
                    counted(1);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                return counted(in.read(buffer, offset, length));
            }

            @Override
            public boolean isFinished() {
                return in.isFinished();
            }

            @Override
            public boolean isReady() {
                return in.isReady();
            }

            @Override
            public void setReadListener(ReadListener listener) {
                in.setReadListener(listener);
            }
        };
    }
}
