package io.switchboard.kpis.internal;

import io.switchboard.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The KPIs as of the last refresh: read from the store, judged against the targets, breaches
 * announced. REST, the stream and JMX all show this one snapshot, so they never disagree.
 */
public final class Scoreboard {

    /** One queue now, with its target and whether it is breached. */
    public record QueueKpis(String queue, int waiting, Long longestWaitSeconds, Double serviceLevel, int counted,
                            int inTime, double target, boolean breached, Instant breachedSince,
                            Double averageSpeedOfAnswerSeconds, int answered, int abandoned,
                            Map<String, Integer> agentsAvailable) {
    }

    /** A breach as shown to supervisors. */
    public record Breach(String queue, String kpi, Double value, double target, Instant since) {
    }

    /** Everything at {@code at}; {@code queues} in queue-name order. */
    public record Kpis(Instant at, int windowMinutes, int slaSeconds, int minConversations, List<QueueKpis> queues,
                       Map<String, Integer> agentsAvailable, List<Breach> breaches) {
    }

    /** How the figures are read and judged, from the configuration. */
    record Settings(Readings.Settings readings, Watch.Targets targets, Watch.Alerting alerting) {
    }

    private final Store store;
    private final Watch watch;
    private final Supplier<Settings> settings;
    private final Clock clock;
    private volatile Kpis latest;

    Scoreboard(Store store, Watch watch, Supplier<Settings> settings, Clock clock) {
        this.store = store;
        this.watch = watch;
        this.settings = settings;
        this.clock = clock;
    }

    /** Reads, judges and announces; the new snapshot is what everyone sees from now on. */
    Kpis refresh() {
        Settings st = settings.get();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Readings.Reading reading = store.inTransaction(s -> Readings.read(s, now, st.readings()));
        watch.judge(reading.queues(), st.targets(), now);
        watch.announce(st.alerting(), st.readings().window());
        Map<String, Watch.State> states = watch.states();
        List<QueueKpis> queues = new ArrayList<>();
        for (Readings.QueueReading r : reading.queues()) {
            Watch.State state = states.get(r.queue());
            boolean breached = state != null && state.breached();
            queues.add(new QueueKpis(r.queue(), r.waiting(), r.longestWaitSeconds(), r.serviceLevel(), r.counted(),
                    r.inTime(), st.targets().of(r.queue()), breached, breached ? state.since() : null,
                    r.averageSpeedOfAnswerSeconds(), r.answered(), r.abandoned(), r.agentsAvailable()));
        }
        List<Breach> breaches = states.values().stream().filter(Watch.State::breached)
                .map(b -> new Breach(b.queue(), b.kpi(), b.value(), b.target(), b.since())).toList();
        Duration window = st.readings().window();
        Kpis kpis = new Kpis(now, (int) window.toMinutes(), (int) st.readings().sla().toSeconds(),
                st.targets().minConversations(), queues, reading.agentsAvailable(), breaches);
        latest = kpis;
        return kpis;
    }

    /** The last snapshot, or a fresh one if none was taken yet. */
    Kpis latest() {
        Kpis kpis = latest;
        return kpis != null ? kpis : refresh();
    }
}
