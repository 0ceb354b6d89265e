package io.switchboard.bus.internal;

import io.switchboard.bus.internal.SecuritySettings.Permission;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Map;
import java.util.SortedSet;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The embedded broker's security settings, changed through its management (ActiveMQServerControl on the
 * platform MBeanServer, where the Artemis OSGi broker registers it). Through JMX rather than the broker's
 * classes: the bus bundle stays a plain AMQP client, and the broker persists settings made this way in its
 * journal.
 */
class BrokerSecurity {

    private static final String[] ADD_SIGNATURE = new String[Permission.values().length + 1];

    static {
        Arrays.fill(ADD_SIGNATURE, String.class.getName());
    }

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    /**
     * The broker's control, or null while the broker has not started: its MBean is registered while it
     * still starts, and refuses to be managed until it has ("Broker is not started").
     */
    ObjectName broker() {
        try {
            for (ObjectName name : server.queryNames(new ObjectName("org.apache.activemq.artemis:broker=*"), null)) {
                if (name.getKeyPropertyList().size() == 1) {
                    return Boolean.TRUE.equals(server.getAttribute(name, "Started")) ? name : null;
                }
            }
            return null;
        } catch (JMException e) {
            // unregistered between the query and the read: the broker is stopping
            return null;
        }
    }

    void put(String match, Map<Permission, SortedSet<String>> roles) {
        invoke("addSecuritySettings", SecuritySettings.arguments(match, roles), ADD_SIGNATURE);
    }

    void remove(String match) {
        invoke("removeSecuritySettings", new Object[] {match}, new String[] {String.class.getName()});
    }

    private void invoke(String operation, Object[] arguments, String[] signature) {
        ObjectName broker = broker();
        if (broker == null) {
            throw new IllegalStateException("the broker is not running");
        }
        try {
            server.invoke(broker, operation, arguments, signature);
        } catch (JMException e) {
            throw new IllegalStateException("the broker refused " + operation + " for " + arguments[0] + ": " + e.getMessage(), e);
        }
    }
}
