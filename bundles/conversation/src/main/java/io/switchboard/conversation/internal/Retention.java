package io.switchboard.conversation.internal;

import io.switchboard.bus.OutageLog;
import io.switchboard.store.PersonalData;
import io.switchboard.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retention period of closed conversations: one closed longer ago than the period is purged with
 * everything said and sent in it, from the core's tables and from every bundle's (through
 * {@link PersonalData#expire}). Its customer and their addresses stay: they may have other
 * conversations, and erasing a person is {@link Directory#erase}'s. A zero period keeps everything.
 *
 * <p>A sweep takes pages of {@link #PAGE}, oldest close first, one transaction each: a period set for
 * the first time on years of conversations neither holds locks for long nor loses more than a page to
 * a failure. Several nodes may sweep at once: a page's conversations are locked while it is purged,
 * and what another node purged first is passed over. A page that fails (a deadlock, the database
 * away) ends the sweep, said once by the {@link OutageLog}; the next sweep takes it again.
 */
final class Retention implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    static final int PAGE = 200;
    /**
     * From activation to the first sweep: the bundles that start with the platform register their
     * {@link PersonalData} meanwhile, and a page purged before a bundle is there leaves that bundle's
     * rows of it behind.
     */
    static final Duration SETTLE = Duration.ofMinutes(1);

    private final Store store;
    private final Supplier<List<PersonalData>> personalData;
    private final Duration period;
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "switchboard-retention");
        t.setDaemon(true);
        return t;
    });

    /** @param period how long a closed conversation is kept; zero keeps it forever */
    Retention(Store store, Supplier<List<PersonalData>> personalData, Duration period) {
        this.store = store;
        this.personalData = personalData;
        this.period = period.isNegative() ? Duration.ZERO : period;
    }

    /** Sweeps {@link #SETTLE} from now, then every {@code every}; never, when everything is kept. */
    Retention sweepEvery(Duration every) {
        if (!period.isZero()) {
            long millis = Math.max(1000, every.toMillis());
            OutageLog sweeping = new OutageLog(LOG, "retention-sweep", Duration.ofMillis(millis));
            sweeper.scheduleWithFixedDelay(() -> sweeping.run(this::sweep), SETTLE.toMillis(), millis, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /**
     * Purges every conversation closed longer ago than the period, page by page.
     *
     * @return how many were purged
     * @throws io.switchboard.store.StoreException when a page fails; the pages before it stay purged
     */
    int sweep() {
        if (period.isZero()) {
            return 0;
        }
        Instant before = Instant.now().minus(period).truncatedTo(ChronoUnit.SECONDS);
        int purged = 0;
        try {
            // a short page is not the last: another node may have purged part of it first
            for (int page = purgePage(before); page > 0 && !Thread.currentThread().isInterrupted(); page = purgePage(before)) {
                purged += page;
            }
        } finally {
            if (purged > 0) {
                LOG.info("retention: {} conversations closed before {} purged ({} days kept)", purged, before, period.toDays());
            }
        }
        return purged;
    }

    private int purgePage(Instant before) {
        List<PersonalData> bundles = personalData.get();
        return store.inTransaction(s -> {
            List<String> ids = s.conversations().closedBefore(before, PAGE);
            if (ids.isEmpty()) {
                return 0;
            }
            for (PersonalData data : bundles) {
                data.expire(s, ids);
            }
            s.conversations().purge(ids);
            return ids.size();
        });
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
