package io.switchboard.plugins.internal;

import io.switchboard.api.CanonicalJson;
import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code io.switchboard:type=Plugins}: the plugin operations in Hawtio's JMX tab (and any JMX console),
 * each answering JSON as the REST API does. Hawtio's RBAC lets only the admin role invoke them.
 */
final class PluginsMBean implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PluginsMBean.class);

    /** What the console shows and can do. */
    public interface PluginsMXBean {
        String getInstalled();

        String getCatalog();

        String preview(String id, String version);

        String install(String id, String version);

        String upgrade(String id, String version);

        String rollback(String id);

        String uninstall(String id);
    }

    private final ObjectName name;

    private PluginsMBean(ObjectName name) {
        this.name = name;
    }

    static PluginsMBean register(PluginService plugins, CanonicalJson json) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            ObjectName name = new ObjectName("io.switchboard:type=Plugins");
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
            PluginsMXBean bean = new PluginsMXBean() {
                @Override
                public String getInstalled() {
                    return json.toJson(plugins.installed());
                }

                @Override
                public String getCatalog() {
                    return json.toJson(plugins.catalog());
                }

                @Override
                public String preview(String id, String version) {
                    return json.toJson(plugins.preview(id, blankIsNull(version)));
                }

                @Override
                public String install(String id, String version) {
                    return json.toJson(plugins.install(id, blankIsNull(version)));
                }

                @Override
                public String upgrade(String id, String version) {
                    return json.toJson(plugins.upgrade(id, blankIsNull(version)));
                }

                @Override
                public String rollback(String id) {
                    return json.toJson(plugins.rollback(id));
                }

                @Override
                public String uninstall(String id) {
                    plugins.uninstall(id);
                    return "uninstalled " + id;
                }
            };
            server.registerMBean(new StandardMBean(bean, PluginsMXBean.class, true), name);
            return new PluginsMBean(name);
        } catch (JMException e) {
            LOG.warn("The plugins MBean could not be registered: {}", e.getMessage());
            return new PluginsMBean(null);
        }
    }

    private static String blankIsNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    @Override
    public void close() {
        if (name != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
            } catch (JMException ignored) {
                // gone already
            }
        }
    }
}
