package io.switchboard.bus.internal;

import io.switchboard.bus.Bus;
import jakarta.jms.ConnectionFactory;
import org.apache.camel.component.sjms.MessageListenerContainer;
import org.apache.camel.component.sjms.SjmsComponent;
import org.apache.camel.component.sjms.SjmsEndpoint;

/**
 * The {@code bus} component of a Camel context: sjms on the bus, knowing its bus, so a route's error
 * handler finds how long that bus retries an outage. Sends take the bus' pooled connections.
 *
 * <p>A route's listener holds its connection for its life and comes back after a broker outage only
 * when that connection's exception listener tells it the connection failed. A pooled connection has
 * one exception listener, so of the listeners sharing it only the last to register would hear: the
 * others stayed on the dead connection and never took a message again. Listeners therefore have a
 * connection each, from the bus' unpooled factory; sends stay pooled. A listener connects again after
 * each failure of its connection ({@link BusListener}).
 */
public final class BusComponent extends SjmsComponent {

    private final Bus bus;
    private final ConnectionFactory listeners;

    public BusComponent(Bus bus) {
        this.bus = bus;
        this.listeners = bus instanceof ArtemisBus artemis ? artemis.listenerConnectionFactory() : bus.connectionFactory();
        setConnectionFactory(bus.connectionFactory());
    }

    public Bus bus() {
        return bus;
    }

    @Override
    protected SjmsEndpoint createSjmsEndpoint(String uri, String remaining) {
        return new BusEndpoint(uri, this, remaining, listeners);
    }

    /** An sjms endpoint whose listener connects on its own. */
    static final class BusEndpoint extends SjmsEndpoint {
        private final ConnectionFactory listeners;
        /**
         * Set once the endpoint listens. A route that also sends to the address it listens on then
         * sends on unpooled connections too: correct, only slower, and no route of ours does.
         */
        private volatile boolean listening;

        BusEndpoint(String uri, BusComponent component, String remaining, ConnectionFactory listeners) {
            super(uri, component, remaining);
            this.listeners = listeners;
        }

        @Override
        public MessageListenerContainer createMessageListenerContainer(SjmsEndpoint endpoint) {
            listening = true;
            BusListener listener = new BusListener(endpoint);
            listener.setConcurrentConsumers(endpoint.getConcurrentConsumers());
            return listener;
        }

        @Override
        public ConnectionFactory getConnectionFactory() {
            return listening ? listeners : super.getConnectionFactory();
        }
    }
}
