package io.switchboard.bus.internal;

import io.switchboard.bus.Bus;
import jakarta.jms.ConnectionFactory;
import java.util.Map;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.DefaultEndpoint;

/**
 * {@code bus-batch:<address>?size=50&consumers=4}: consumes an anycast bus address in batches
 * ({@link io.switchboard.bus.BusBatch}). Consume only; a route sends through {@code BusBatch.send}.
 */
public final class BatchComponent extends DefaultComponent {

    private final Bus bus;

    public BatchComponent(Bus bus) {
        this.bus = bus;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException("bus-batch needs an address: bus-batch:<address>");
        }
        int size = getAndRemoveParameter(parameters, "size", Integer.class, 50);
        int consumers = getAndRemoveParameter(parameters, "consumers", Integer.class, 4);
        if (size < 1 || consumers < 1) {
            throw new IllegalArgumentException("bus-batch size and consumers must be at least 1: " + uri);
        }
        return new BatchEndpoint(uri, this, remaining, size, consumers);
    }

    final class BatchEndpoint extends DefaultEndpoint {
        private final String address;
        private final int size;
        private final int consumers;

        BatchEndpoint(String uri, BatchComponent component, String address, int size, int consumers) {
            super(uri, component);
            this.address = address;
            this.size = size;
            this.consumers = consumers;
        }

        @Override
        public Producer createProducer() {
            throw new UnsupportedOperationException("bus-batch only consumes; send with BusBatch.send or the bus: endpoint");
        }

        @Override
        public Consumer createConsumer(Processor processor) {
            // the platform's bus makes the batch consumers connections of their own; another Bus (a test's
            // wrapper) lends its pooled ones, whose receives ask the broker to drain when nothing is there
            ConnectionFactory factory = bus instanceof ArtemisBus artemis ? artemis.batchConnectionFactory() : bus.connectionFactory();
            return new BatchConsumer(this, processor, factory, address, size, consumers, bus.outageRetry());
        }
    }
}
