package io.switchboard.benchmarks;

import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * What the embedded broker does on its own, as the ceiling the web chat is compared with: durable
 * (persistent, journal-synced) messages sent to a fresh queue and received by a consumer on a
 * connection of its own, with a fixed number of sends awaiting the broker's confirmation. With one
 * in flight every send waits for the journal's sync; with a hundred the broker batches the syncs.
 */
final class RawBroker {

    record Result(String protocol, int inFlight, double rate, double p50Millis, double p99Millis, long errors) {
        String line() {
            return String.format("raw %-4s durable send->receive, %3d in flight: %8.0f msg/s   p50 %7.1f ms   p99 %7.1f ms%s",
                    protocol, inFlight, rate, p50Millis, p99Millis, errors == 0 ? "" : "   errors " + errors);
        }
    }

    private RawBroker() {
    }

    static Result measure(String protocol, ConnectionFactory factory, int inFlight, Duration length) throws Exception {
        String queueName = "bench.raw." + protocol.toLowerCase() + "." + inFlight + "." + UUID.randomUUID();
        Histogram latencyMicros = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
        LongAdder received = new LongAdder();
        AtomicLong lastReceived = new AtomicLong();
        LongAdder errors = new LongAdder();
        String text = "{\"text\":\"压测消息 📦 " + "x".repeat(200) + "\"}";
        try (Connection consumerConnection = factory.createConnection();
             Connection producerConnection = factory.createConnection()) {
            Session cs = consumerConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = cs.createQueue(queueName);
            MessageConsumer consumer = cs.createConsumer(queue);
            consumer.setMessageListener(m -> {
                long now = System.nanoTime();
                try {
                    long micros = (now - m.getLongProperty("sent")) / 1000;
                    synchronized (latencyMicros) {
                        latencyMicros.recordValue(Math.min(latencyMicros.getHighestTrackableValue(), Math.max(0, micros)));
                    }
                } catch (Exception e) {
                    System.out.println("  raw: unreadable message: " + e);
                }
                received.increment();
                lastReceived.set(now);
            });
            consumerConnection.start();
            Session ps = producerConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = ps.createProducer(queue);
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            Semaphore window = new Semaphore(inFlight);
            CompletionListener confirmed = new CompletionListener() {
                @Override
                public void onCompletion(Message message) {
                    window.release();
                }

                @Override
                public void onException(Message message, Exception e) {
                    errors.increment();
                    window.release();
                }
            };
            long begin = System.nanoTime();
            long end = begin + length.toNanos();
            long sent = 0;
            while (System.nanoTime() - end < 0) {
                if (!window.tryAcquire(1, TimeUnit.SECONDS)) {
                    continue;
                }
                TextMessage m = ps.createTextMessage(text);
                m.setLongProperty("sent", System.nanoTime());
                producer.send(m, confirmed);
                sent++;
            }
            // all confirmed, then all received
            window.acquire(inFlight);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (received.sum() < sent - errors.sum() && System.nanoTime() - deadline < 0) {
                Thread.sleep(10);
            }
            double seconds = (lastReceived.get() - begin) / 1e9;
            consumer.close();
            long failed = errors.sum();
            return new Result(protocol, inFlight, seconds > 0 ? received.sum() / seconds : 0,
                    latencyMicros.getValueAtPercentile(50) / 1000.0, latencyMicros.getValueAtPercentile(99) / 1000.0,
                    failed + Math.max(0, sent - failed - received.sum()));
        }
    }
}
