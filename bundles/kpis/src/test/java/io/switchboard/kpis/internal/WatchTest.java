package io.switchboard.kpis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.CanonicalJson;
import io.switchboard.store.internal.JdbcStore;
import io.switchboard.testkit.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The breach state machine on a real (H2) database: the minimum count, the target, the margin. */
class WatchTest {

    TestDatabase db;
    JdbcStore store;
    Watch watch;
    final Watch.Targets targets = new Watch.Targets(0.8, Map.of("vip:1", 0.95), 5, 0.05);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);

    @BeforeEach
    void open() {
        db = TestDatabase.h2();
        store = new JdbcStore(db.dataSource());
        store.migrate(KpiService.CHANGELOG, KpiService.class.getClassLoader());
        watch = new Watch(store, null, new CanonicalJson());
    }

    @AfterEach
    void close() {
        db.close();
    }

    static Readings.QueueReading reading(String queue, int counted, int inTime, int waiting) {
        return new Readings.QueueReading(queue, waiting, waiting > 0 ? 40L : null, counted, inTime,
                counted == 0 ? null : (double) inTime / counted, inTime, null, 0, Map.of());
    }

    Watch.State judge(Readings.QueueReading r) {
        now = now.plus(Duration.ofSeconds(5));
        watch.judge(List.of(r), targets, now);
        return watch.states().get(r.queue());
    }

    @Test
    void aQueueIsBreachedBelowTargetAndRecoversOnlyAboveTargetPlusMargin() {
        assertEquals(null, judge(reading("售后:2", 4, 0, 4)), "4 conversations are too few to judge");
        Watch.State breached = judge(reading("售后:2", 5, 3, 2));
        assertTrue(breached.breached());
        assertEquals(0.6, breached.value());
        assertEquals(0.8, breached.target());
        assertFalse(breached.announced());
        assertTrue(breached.eventId().startsWith("kpi.breached:"));

        assertEquals(breached, judge(reading("售后:2", 50, 41, 0)), "0.82: above the target, not above the margin");
        Watch.State recovered = judge(reading("售后:2", 100, 86, 0));
        assertFalse(recovered.breached(), "0.86 >= 0.8 + 0.05");
        assertTrue(recovered.eventId().startsWith("kpi.recovered:"));
        assertNotEquals(breached.eventId(), recovered.eventId());
        assertEquals(recovered, judge(reading("售后:2", 100, 86, 0)), "nothing new while it stays so");
    }

    @Test
    void aQueueOfItsOwnTargetIsJudgedByIt() {
        assertTrue(judge(reading("vip:1", 10, 9, 0)).breached(), "0.9 < 0.95");
        assertEquals(null, judge(reading("general", 10, 9, 0)), "0.9 >= 0.8");
    }

    @Test
    void aBreachedQueueWithNothingLeftInTheWindowRecovers() {
        assertTrue(judge(reading("general", 6, 0, 6)).breached());
        now = now.plus(Duration.ofMinutes(20));
        watch.judge(List.of(), targets, now);
        assertFalse(watch.states().get("general").breached());
    }
}
