package io.switchboard.shell.internal;

import io.switchboard.bus.Bus;
import io.switchboard.bus.DeadLetterQueue;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "switchboard", name = "dead-letters", description = "Lists the messages of a dead-letter queue and why each one failed, or replays them")
@Service
public class DeadLettersCommand implements Action {

    @Reference
    Bus bus;

    @Argument(index = 0, name = "queue", description = "e.g. DLQ.sb.inbound", required = true)
    String queue;

    @Option(name = "--replay", description = "Put every message back on the address it failed on")
    boolean replay;

    @Option(name = "--limit", description = "How many to list")
    int limit = 50;

    @Override
    public Object execute() {
        DeadLetterQueue dlq = new DeadLetterQueue(bus, queue);
        if (replay) {
            System.out.println("replayed " + dlq.replay() + " message(s) from " + queue);
            return null;
        }
        for (DeadLetterQueue.DeadLetter d : dlq.browse(limit)) {
            System.out.printf("%s  origin=%s  at=%s  deliveries=%d%n  reason: %s%n  body: %s%n", d.messageId(), d.origin(),
                    d.time(), d.deliveryCount(), d.reason(), abbreviate(d.body()));
        }
        return null;
    }

    private static String abbreviate(String body) {
        return body == null || body.length() <= 300 ? body : body.substring(0, 300) + "…";
    }
}
