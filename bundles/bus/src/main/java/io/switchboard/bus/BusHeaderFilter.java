package io.switchboard.bus;

import io.switchboard.api.BusAddress;
import org.apache.camel.Exchange;
import org.apache.camel.spi.HeaderFilterStrategy;

/**
 * Which headers cross the bus edge. Only Switchboard's own properties ({@code sb...}), the duplicate
 * id and the group id go onto the bus; coming off it, Camel sees only {@code sb...} properties and
 * the delivery count. Transport headers a sender slipped in ({@code Camel*}, {@code JMS*},
 * {@code _AMQ*}, HTTP headers) are dropped in both directions, so nothing from outside can steer a
 * route or the broker.
 */
public final class BusHeaderFilter implements HeaderFilterStrategy {

    @Override
    public boolean applyFilterToCamelHeaders(String name, Object value, Exchange exchange) {
        return !(isOurs(name) || name.equals(BusAddress.DUPLICATE_ID) || name.equals(BusAddress.GROUP_ID));
    }

    @Override
    public boolean applyFilterToExternalHeaders(String name, Object value, Exchange exchange) {
        return !(isOurs(name) || name.equals("JMSXDeliveryCount") || name.equals(BusAddress.GROUP_ID));
    }

    static boolean isOurs(String name) {
        return name.length() > 2 && name.startsWith("sb") && Character.isUpperCase(name.charAt(2));
    }
}
