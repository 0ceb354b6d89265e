package io.switchboard.sandbox.smsc;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar switchboard-sandbox-smsc-<version>-cli.jar [--port 2775] [--system-id switchboard]
 * [--password password] [--number 10690000] [--receipt DELIVRD]}: an SMS centre for a demo. It prints
 * what the server sends, and reads commands from standard input:
 *
 * <pre>
 * deliver +8613800138000 你好，我的快递到哪里了？   a phone's message to the bound server
 * receipt 5b0a1c2 UNDELIV                          a receipt for a message the server sent
 * drop                                             cut the link (the server reconnects)
 * quit
 * </pre>
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        int port = 2775;
        String systemId = "switchboard";
        String password = "password";
        String number = "10690000";
        String receipt = "DELIVRD";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--system-id" -> systemId = args[i + 1];
                case "--password" -> password = args[i + 1];
                case "--number" -> number = args[i + 1];
                case "--receipt" -> receipt = args[i + 1];
                default -> {
                    System.err.println("unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        SandboxSmsc smsc = SandboxSmsc.start(port, systemId, password);
        smsc.receiptState(receipt);
        smsc.onMessage(m -> out.printf("SMS %s -> %s (%d part%s, data_coding %d, ids %s): %s%n", m.source(),
                m.destination(), m.parts(), m.parts() == 1 ? "" : "s", m.dataCoding(), String.join(",", m.messageIds()),
                m.text()));
        out.printf("SMPP sandbox SMSC on port %d: system id '%s', password '%s', our number %s%n",
                smsc.port(), systemId, password, number);
        out.println("commands: deliver <from> <text> | receipt <messageId> <stat> | drop | quit");
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            smsc.close();
            stop.countDown();
        }));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] words = line.strip().split("\\s+", 3);
            try {
                switch (words[0]) {
                    case "deliver" -> out.println("delivered in " + smsc.deliver(words[1], number, words[2]).size() + " part(s)");
                    case "receipt" -> smsc.receipt(words[1], words.length > 2 ? words[2] : "DELIVRD");
                    case "drop" -> smsc.dropLinks();
                    case "quit" -> {
                        smsc.close();
                        return;
                    }
                    case "" -> { }
                    default -> out.println("unknown command: " + words[0]);
                }
            } catch (RuntimeException e) {
                out.println("failed: " + e.getMessage());
            }
        }
        // standard input closed (run in the background): serve until stopped
        stop.await();
    }
}
