package io.switchboard.sandbox.booking;

import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar switchboard-sandbox-booking-*.jar [--port 8093] [--api-key KEY] [--webhook URL --secret SECRET]}:
 * a booking system to point {@code etc/io.switchboard.system.booking.cfg} at, with two demo bookings
 * on CA1501, until Ctrl-C. Cancel the flight with
 * {@code curl -X POST http://127.0.0.1:8093/sandbox/flights/CA1501/2026-11-24/cancel}.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = 8093;
        String key = SandboxBooking.DEFAULT_API_KEY;
        String webhook = null;
        String secret = "";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--api-key" -> key = args[++i];
                case "--webhook" -> webhook = args[++i];
                case "--secret" -> secret = args[++i];
                default -> {
                    System.err.println("usage: [--port 8093] [--api-key KEY] [--webhook http://localhost:8181/switchboard/systems/booking/events --secret SECRET]");
                    System.exit(2);
                }
            }
        }
        SandboxBooking booking = SandboxBooking.start(port, key);
        SandboxBooking.Segment ca1501 = new SandboxBooking.Segment("CA1501", "2026-11-24", "PEK", "SHA", "08:00");
        booking.booking("HX7K2P", ca1501, new SandboxBooking.Passenger("李娜", "+8613800000001", "lina@example.cn", "sms"));
        booking.booking("MZ9Q4D", ca1501, new SandboxBooking.Passenger("王伟", "+8613900000002", "wangwei@example.cn", "email"),
                new SandboxBooking.Passenger("张敏", "+8613700000003", null, null));
        if (webhook != null) {
            booking.webhook(webhook, secret);
        }
        System.out.println("booking sandbox at " + booking.apiUrl() + " (X-Api-Key: " + key + "), control at " + booking.url()
                + "/sandbox/; bookings HX7K2P, MZ9Q4D on CA1501 2026-11-24; webhook " + webhook + "; Ctrl-C stops it");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            booking.close();
            stopped.countDown();
        }));
        stopped.await();
    }
}
