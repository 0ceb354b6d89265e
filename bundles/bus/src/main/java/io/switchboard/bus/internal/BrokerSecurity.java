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

    /**
     * What fails on {@code address} goes to {@code DLQ.<address>}, the queue operators read and replay,
     * when the broker dead-letters it itself: a plugin reading the address may not write there. The
     * other settings of the address stay as {@code etc/artemis.xml} has them (Artemis merges matches).
     * Kept in the broker's journal.
     */
    void deadLettersTo(String address) {
        String queue = "DLQ." + address;
        invoke("createQueue", new Object[] {"{\"name\":\"" + queue + "\",\"address\":\"" + queue
                + "\",\"routing-type\":\"ANYCAST\",\"durable\":true}", true},
                new String[] {String.class.getName(), boolean.class.getName()});
        invoke("addAddressSettings", new Object[] {address, "{\"deadLetterAddress\":\"" + queue
                + "\",\"autoCreateDeadLetterResources\":false}"}, new String[] {String.class.getName(), String.class.getName()});
    }

    /** Back to the broker's own dead-letter settings for {@code address}; its DLQ and what is in it stay. */
    void forgetDeadLetters(String address) {
        invoke("removeAddressSettings", new Object[] {address}, new String[] {String.class.getName()});
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
