package io.switchboard.system.booking.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.IntSupplier;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/** The booking system's webhook URL on Karaf's HTTP server; everything but HTTP is {@link BookingEvents}. */
final class BookingEventsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient BookingEvents events;
    private final transient IntSupplier maxBodyBytes;

    BookingEventsServlet(BookingEvents events, IntSupplier maxBodyBytes) {
        this.events = events;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        int max = maxBodyBytes.getAsInt();
        byte[] body = request.getInputStream().readNBytes(max + 1);
        BookingEvents.Answer answer = events.receive(request.getHeader(BookingConnector.WEBHOOK_TIMESTAMP),
                request.getHeader(BookingConnector.WEBHOOK_SIGNATURE), body.length > max ? null : body, Instant.now());
        response.setStatus(answer.status());
        if (answer.retryAfter() > 0) {
            response.setHeader("Retry-After", Integer.toString(answer.retryAfter()));
        }
        response.setContentType(answer.contentType());
        response.getOutputStream().write(answer.body().getBytes(StandardCharsets.UTF_8));
    }
}
