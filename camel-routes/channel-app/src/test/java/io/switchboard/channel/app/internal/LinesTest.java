package io.switchboard.channel.app.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.CanonicalJson;
import io.switchboard.rest.SourceRate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A line's writing, with devices that take frames at once, one by one, or never. */
class LinesTest {

    static final DeviceTokens.Device DEVICE = new DeviceTokens.Device("shop", "u-1", "d-1", Long.MAX_VALUE);

    final Lines lines = new Lines(null, m -> { }, new CanonicalJson(), new SourceRate(60),
            new Lines.Settings(270, 20, 600, 30, 4000, 16 * 1024, 300));

    /** A device whose writes complete when the test says so. */
    static class Device implements Peer {
        final List<String> written = new ArrayList<>();
        final List<Consumer<Throwable>> inFlight = new ArrayList<>();
        Integer closedWith;
        boolean completesAtOnce;

        @Override
        public synchronized void send(String frame, Consumer<Throwable> sent) {
            written.add(frame);
            if (completesAtOnce) {
                sent.accept(null);
            } else {
                inFlight.add(sent);
            }
        }

        /** The device takes the frame on its way. */
        void takes() {
            Consumer<Throwable> sent;
            synchronized (this) {
                sent = inFlight.remove(0);
            }
            sent.accept(null);
        }

        @Override
        public synchronized void close(int code, String reason) {
            closedWith = code;
        }
    }

    @AfterEach
    void stop() {
        lines.close();
    }

    @Test
    void framesGoOutOneAtATimeInOrderEachWhenTheOneBeforeIsWritten() {
        Device device = new Device();
        Lines.Line line = lines.new Line(DEVICE, device, 0, 270);
        assertTrue(line.write("a"));
        assertTrue(line.write("b"));
        assertTrue(line.write("c"));
        assertEquals(List.of("a"), device.written, "one on its way at a time");
        device.takes();
        assertEquals(List.of("a", "b"), device.written);
        device.takes();
        device.takes();
        assertEquals(List.of("a", "b", "c"), device.written);
        assertTrue(device.inFlight.isEmpty());
        assertNull(device.closedWith);
    }

    @Test
    void aDeviceThatTakesNothingIsCutOffWhenItsBufferIsFullWithoutTheWriterWaiting() {
        Device device = new Device();
        Lines.Line line = lines.new Line(DEVICE, device, 0, 270);
        String frame = "{\"t\":\"msg\",\"text\":\"" + "好".repeat(300) + "\"}"; // about 900 bytes
        int queued = 0;
        while (line.write(frame)) {
            queued++;
            assertTrue(queued < 100, "a line's buffer is bounded");
        }
        assertTrue(queued >= 16, "it holds what its buffer holds: " + queued);
        assertEquals(Lines.TOO_SLOW, device.closedWith);
        assertFalse(line.write("{}"), "nothing more is taken for a line that was cut off");
    }

    @Test
    void aDeviceThatTakesNothingForTheStallLimitIsCutOffAtTheNextFrame() throws Exception {
        Device device = new Device();
        Lines.Line line = lines.new Line(DEVICE, device, 0, 270);
        assertTrue(line.write("first"));
        assertTrue(line.write("second"), "within the limit the frame waits");
        Thread.sleep(400);
        assertFalse(line.write("third"));
        assertEquals(Lines.TOO_SLOW, device.closedWith);
    }

    @Test
    void aDeviceThatTakesEveryFrameAtOnceGetsThemAllWithoutTheStackGrowing() {
        Device device = new Device();
        device.completesAtOnce = true;
        Lines.Line line = lines.new Line(DEVICE, device, 0, 270);
        for (int i = 0; i < 100_000; i++) {
            assertTrue(line.write("f" + i));
        }
        assertEquals(100_000, device.written.size());
        assertEquals("f99999", device.written.get(99_999));
    }
}
