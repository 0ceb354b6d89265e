package io.switchboard.bus.internal;

import io.switchboard.bus.Bus;
import org.apache.camel.component.sjms.SjmsComponent;

/**
 * The {@code bus} component of a Camel context: sjms on the bus' pooled connections, knowing its bus, so
 * a route's error handler finds how long that bus retries an outage.
 */
public final class BusComponent extends SjmsComponent {

    private final Bus bus;

    public BusComponent(Bus bus) {
        this.bus = bus;
        setConnectionFactory(bus.connectionFactory());
    }

    public Bus bus() {
        return bus;
    }
}
