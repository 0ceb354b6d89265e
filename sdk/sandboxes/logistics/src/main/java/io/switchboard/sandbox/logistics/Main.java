package io.switchboard.sandbox.logistics;

import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar switchboard-sandbox-logistics-*.jar [--port 8091] [--api-key KEY] [--secret SECRET]
 * [--callback-url URL]}: a courier company to point {@code etc/io.switchboard.system.logistics.cfg}
 * at, until Ctrl-C. {@code --callback-url} is where callbacks of pickups booked without a
 * {@code callbackUrl} go (the connector always sends one).
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = 8091;
        String apiKey = "sandbox-key";
        String secret = "sandbox-callback-secret-0123456789abcdef";
        String callbackUrl = "http://localhost:8181/switchboard/systems/logistics/callbacks";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--api-key" -> apiKey = args[++i];
                case "--secret" -> secret = args[++i];
                case "--callback-url" -> callbackUrl = args[++i];
                default -> {
                    System.err.println("usage: [--port 8091] [--api-key sandbox-key] [--secret sandbox-callback-secret-0123456789abcdef]"
                            + " [--callback-url http://localhost:8181/switchboard/systems/logistics/callbacks]");
                    System.exit(2);
                }
            }
        }
        SandboxLogistics logistics = SandboxLogistics.start(port).apiKey(apiKey).callbackSecret(secret)
                .defaultCallbackUrl(callbackUrl);
        System.out.println("logistics sandbox: API " + logistics.url() + " (Authorization: Bearer " + apiKey + "), control "
                + logistics.controlUrl() + ", callbacks signed with the secret given to --secret; Ctrl-C stops it");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            logistics.close();
            stopped.countDown();
        }));
        stopped.await();
    }
}
