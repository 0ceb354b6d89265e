package io.switchboard.kpis.internal;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MBean per queue, {@code io.switchboard:type=Kpis,queue="billing:3"}, for Hawtio's JMX tab and
 * any JMX console. Each reads the scoreboard's last snapshot; a queue gets its MBean when it first
 * appears and keeps it until the bundle stops (a queue quiet for a window reads as empty, not gone).
 */
public final class QueueMBeans implements AutoCloseable {

    static final String DOMAIN = "io.switchboard";

    private static final Logger LOG = LoggerFactory.getLogger(QueueMBeans.class);

    /** What JMX shows of one queue. */
    public interface QueueKpisMXBean {
        String getQueue();

        int getWaiting();

        long getLongestWaitSeconds();

        /** -1 while nothing counts. */
        double getServiceLevel();

        double getTarget();

        boolean isBreached();

        int getCounted();

        /** -1 while nothing was answered. */
        double getAverageSpeedOfAnswerSeconds();

        int getAbandoned();

        Map<String, Integer> getAgentsAvailable();
    }

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final Set<ObjectName> registered = ConcurrentHashMap.newKeySet();
    private final Supplier<Scoreboard.Kpis> latest;

    QueueMBeans(Supplier<Scoreboard.Kpis> latest) {
        this.latest = latest;
    }

    static ObjectName name(String queue) throws JMException {
        return new ObjectName(DOMAIN + ":type=Kpis,queue=" + ObjectName.quote(queue));
    }

    /** Registers the queues of {@code kpis} that have no MBean yet; KPIs work without JMX. */
    void cover(Scoreboard.Kpis kpis) {
        for (Scoreboard.QueueKpis q : kpis.queues()) {
            try {
                ObjectName name = name(q.queue());
                if (registered.contains(name)) {
                    continue;
                }
                if (server.isRegistered(name)) {
                    server.unregisterMBean(name); // left by an instance that did not stop cleanly
                }
                server.registerMBean(new StandardMBean(new View(q.queue(), latest), QueueKpisMXBean.class, true), name);
                registered.add(name);
            } catch (JMException | RuntimeException e) {
                LOG.warn("KPIs of queue {} not registered in JMX: {}", q.queue(), e.toString());
            }
        }
    }

    @Override
    public void close() {
        for (ObjectName name : registered) {
            try {
                server.unregisterMBean(name);
            } catch (JMException | RuntimeException e) {
                LOG.debug("KPI MBean {} already gone: {}", name, e.toString());
            }
        }
        registered.clear();
    }

    private record View(String queue, Supplier<Scoreboard.Kpis> latest) implements QueueKpisMXBean {
        private Scoreboard.QueueKpis now() {
            return latest.get().queues().stream().filter(q -> q.queue().equals(queue)).findFirst()
                    .orElse(new Scoreboard.QueueKpis(queue, 0, null, null, 0, 0, 0, false, null, null, 0, 0, Map.of()));
        }

        public String getQueue() {
            return queue;
        }

        public int getWaiting() {
            return now().waiting();
        }

        public long getLongestWaitSeconds() {
            Long wait = now().longestWaitSeconds();
            return wait == null ? 0 : wait;
        }

        public double getServiceLevel() {
            Double sl = now().serviceLevel();
            return sl == null ? -1 : sl;
        }

        public double getTarget() {
            return now().target();
        }

        public boolean isBreached() {
            return now().breached();
        }

        public int getCounted() {
            return now().counted();
        }

        public double getAverageSpeedOfAnswerSeconds() {
            Double asa = now().averageSpeedOfAnswerSeconds();
            return asa == null ? -1 : asa;
        }

        public int getAbandoned() {
            return now().abandoned();
        }

        public Map<String, Integer> getAgentsAvailable() {
            return now().agentsAvailable();
        }
    }
}
