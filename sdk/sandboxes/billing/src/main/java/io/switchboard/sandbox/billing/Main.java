package io.switchboard.sandbox.billing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar switchboard-sandbox-billing-*.jar [--port 8089] [--account NUMBER=ACTIVE:BALANCE]
 * [--account NUMBER=SUSPENDED:ARREARS[:SINCE]] [--account NUMBER=CLOSED]}: a billing system to point
 * {@code etc/io.switchboard.system.billing.cfg} at, until Ctrl-C.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = 8089;
        List<String> accounts = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--account" -> accounts.add(args[++i]);
                default -> {
                    System.err.println("usage: [--port 8089] [--account 1001=ACTIVE:120.50] [--account 1002=SUSPENDED:86.00[:2026-11-01T00:00:00Z]] [--account 1003=CLOSED]");
                    System.exit(2);
                }
            }
        }
        SandboxBilling billing = SandboxBilling.start(port);
        if (accounts.isEmpty()) {
            accounts = List.of("1001=ACTIVE:120.50", "1002=SUSPENDED:86.00");
        }
        for (String a : accounts) {
            String number = a.substring(0, a.indexOf('='));
            String[] parts = a.substring(a.indexOf('=') + 1).split(":", 3);
            switch (parts[0]) {
                case "ACTIVE" -> billing.active(number, parts.length > 1 ? parts[1] : "0");
                case "SUSPENDED" -> billing.suspended(number, parts.length > 1 ? parts[1] : "0",
                        parts.length > 2 ? Instant.parse(parts[2]) : Instant.now());
                case "CLOSED" -> billing.closed(number);
                default -> throw new IllegalArgumentException("ACTIVE, SUSPENDED or CLOSED: " + a);
            }
            System.out.println("account " + a);
        }
        System.out.println("billing sandbox at " + billing.url() + " (WSDL: " + billing.url() + "?wsdl); Ctrl-C stops it");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            billing.close();
            stopped.countDown();
        }));
        stopped.await();
    }
}
