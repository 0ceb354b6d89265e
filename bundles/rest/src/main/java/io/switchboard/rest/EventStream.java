package io.switchboard.rest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.function.LongSupplier;
import javax.servlet.AsyncContext;
import javax.servlet.AsyncEvent;
import javax.servlet.AsyncListener;
import javax.servlet.ServletOutputStream;
import javax.servlet.WriteListener;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One open server-sent event stream ({@code text/event-stream}) on an asynchronous request, written
 * with the servlet container's non-blocking output so that no thread ever waits for a reader.
 *
 * <p>An event is handed to the connection at once when it can take it and is queued otherwise. The
 * queue is bounded: a reader that lets more than {@link Limits#maxPendingBytes()} wait, or that has
 * taken nothing for {@link Limits#stallMillis()} while something waits, is cut off. A browser's
 * EventSource reconnects by itself, and streams whose events are kept (web chat's deliveries) resume
 * from {@code Last-Event-ID}; so a cut costs the slow reader a reconnect and costs nobody else
 * anything. Before this, streams were written by blocking writes on a few shared threads, and six
 * readers that never read held every other visitor's replies for a minute and a half.
 */
public final class EventStream {

    /** What the owner of a stream hears from it. Called without the stream's lock held. */
    @ConsumerType
    public interface Listener {
        /** All that was queued has been taken by the connection: more that was held back may follow. */
        default void drained(EventStream stream) {
        }

        /** The stream ended: closed, cut off, timed out or gone. Called once. */
        void closed(EventStream stream);
    }

    /**
     * @param timeoutMillis   how long the request may stay open; the client reconnects after
     * @param maxPendingBytes most bytes a reader may let wait before it is cut off
     * @param stallMillis     longest time a reader may take nothing while something waits
     */
    public record Limits(long timeoutMillis, int maxPendingBytes, long stallMillis) {
        public Limits {
            if (timeoutMillis <= 0 || maxPendingBytes <= 0 || stallMillis <= 0) {
                throw new IllegalArgumentException("stream limits must be positive: " + timeoutMillis + " ms, "
                        + maxPendingBytes + " bytes, " + stallMillis + " ms");
            }
        }
    }

    /** Why a stream ended, for the owner's log and counters. */
    public enum End { OPEN, CLOSED, GONE, TOO_FAR_BEHIND, STALLED }

    private final AsyncContext async;
    private final ServletOutputStream out;
    private final Limits limits;
    private final Listener listener;
    private final LongSupplier nanoTime;
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    private int pendingBytes;
    private boolean unflushed;
    /** Something was queued since the last drain, so the owner is told when it is gone. */
    private boolean queuedSinceDrained;
    /** When the connection last refused to take more (nanoTime), or 0 while it takes what it gets. */
    private long refusingSince;
    /** A last event was sent: the stream ends once the connection has taken everything. */
    private boolean finishing;
    private End end = End.OPEN;

    private EventStream(AsyncContext async, ServletOutputStream out, Limits limits, Listener listener, LongSupplier nanoTime) {
        this.async = async;
        this.out = out;
        this.limits = limits;
        this.listener = listener;
        this.nanoTime = nanoTime;
    }

    /**
     * Answers the request with an event stream and puts it in asynchronous, non-blocking mode. The
     * servlet must be registered as async-supported. Nothing is sent until {@link #send}.
     */
    public static EventStream open(HttpServletRequest request, HttpServletResponse response, Limits limits,
                                   Listener listener) throws IOException {
        return open(request, response, limits, listener, System::nanoTime);
    }

    static EventStream open(HttpServletRequest request, HttpServletResponse response, Limits limits,
                            Listener listener, LongSupplier nanoTime) throws IOException {
        response.setStatus(200);
        response.setContentType("text/event-stream;charset=UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        // nginx and similar would otherwise hold events back to fill their buffers
        response.setHeader("X-Accel-Buffering", "no");
        response.flushBuffer();
        AsyncContext async = request.startAsync();
        async.setTimeout(limits.timeoutMillis());
        EventStream stream = new EventStream(async, response.getOutputStream(), limits, listener, nanoTime);
        async.addListener(new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent e) {
                stream.end(End.GONE, false);
            }

            @Override
            public void onTimeout(AsyncEvent e) {
                stream.end(End.CLOSED, true);
            }

            @Override
            public void onError(AsyncEvent e) {
                stream.end(End.GONE, true);
            }

            @Override
            public void onStartAsync(AsyncEvent e) {
            }
        });
        stream.out.setWriteListener(new WriteListener() {
            @Override
            public void onWritePossible() {
                stream.pump();
            }

            @Override
            public void onError(Throwable t) {
                stream.end(End.GONE, true);
            }
        });
        return stream;
    }

    /**
     * Sends text that is already in event-stream form ({@code "event: …\ndata: …\n\n"}, a comment
     * {@code ": …\n\n"}). Never blocks.
     *
     * @return false when the stream has ended, or ends now because its reader is too slow
     */
    public boolean send(String eventText) {
        byte[] bytes = eventText.getBytes(StandardCharsets.UTF_8);
        End cut;
        synchronized (this) {
            if (end != End.OPEN || finishing) {
                return false;
            }
            if (refusingSince != 0 && nanoTime.getAsLong() - refusingSince > limits.stallMillis() * 1_000_000L) {
                cut = End.STALLED;
            } else if (pendingBytes + bytes.length > limits.maxPendingBytes()) {
                cut = End.TOO_FAR_BEHIND;
            } else {
                pending.add(bytes);
                pendingBytes += bytes.length;
                queuedSinceDrained = true;
                cut = null;
            }
        }
        if (cut != null) {
            end(cut, true);
            return false;
        }
        pump();
        return isOpen();
    }

    /**
     * Sends a last event (for example that the login behind the stream expired) and ends the stream
     * once the connection has taken it, so that the client reads it before the end.
     */
    public void finish(String lastEventText) {
        synchronized (this) {
            if (end != End.OPEN || finishing) {
                return;
            }
            byte[] bytes = lastEventText.getBytes(StandardCharsets.UTF_8);
            pending.add(bytes);
            pendingBytes += bytes.length;
            finishing = true;
        }
        pump();
    }

    /** Ends the stream at once, dropping what waits; the client may reconnect. */
    public void close() {
        end(End.CLOSED, true);
    }

    public synchronized boolean isOpen() {
        return end == End.OPEN;
    }

    /** Why the stream ended, or {@link End#OPEN}. */
    public synchronized End end() {
        return end;
    }

    /** Bytes waiting for the reader, not counting what the container holds. */
    public synchronized int pendingBytes() {
        return pendingBytes;
    }

    /** Hands the connection what it takes now; the container calls again when it takes more. */
    private void pump() {
        boolean drained = false;
        boolean failed = false;
        boolean finished = false;
        synchronized (this) {
            if (end != End.OPEN) {
                return;
            }
            try {
                while (true) {
                    if (!out.isReady()) {
                        if (refusingSince == 0) {
                            refusingSince = Math.max(1, nanoTime.getAsLong());
                        }
                        break;
                    }
                    refusingSince = 0;
                    byte[] next = pending.poll();
                    if (next != null) {
                        pendingBytes -= next.length;
                        out.write(next);
                        unflushed = true;
                    } else if (unflushed) {
                        unflushed = false;
                        out.flush();
                    } else if (finishing) {
                        finished = true;
                        break;
                    } else {
                        drained = queuedSinceDrained;
                        queuedSinceDrained = false;
                        break;
                    }
                }
            } catch (IOException | IllegalStateException gone) {
                failed = true;
            }
        }
        if (failed) {
            end(End.GONE, true);
        } else if (finished) {
            end(End.CLOSED, true);
        } else if (drained) {
            listener.drained(this);
        }
    }

    private void end(End why, boolean complete) {
        synchronized (this) {
            if (end != End.OPEN) {
                return;
            }
            end = why;
            pending.clear();
            pendingBytes = 0;
        }
        if (complete) {
            try {
                async.complete();
            } catch (IllegalStateException alreadyDone) {
                // the container ended the request first (timeout or client gone)
            }
        }
        listener.closed(this);
    }
}
