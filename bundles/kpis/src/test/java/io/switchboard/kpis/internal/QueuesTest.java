package io.switchboard.kpis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueuesTest {

    @Test
    void aQueueIsItsSkillsSortedWithEveryLevelWrittenOut() {
        assertEquals("general", Queues.of((String) null));
        assertEquals("general", Queues.of(""));
        assertEquals("billing:1", Queues.of("billing"));
        assertEquals(Queues.of("billing:1"), Queues.of(List.of("billing")));
        assertEquals("billing:3,售后:2", Queues.of("售后:2,billing:3"));
        assertEquals(Map.of("billing", 3, "售后", 2), Queues.skills("billing:3,售后:2"));
        assertEquals(Map.of(), Queues.skills("general"));
    }

    @Test
    void targetsOfSingleQueuesAreReadByTheQueuesName() {
        assertEquals(Map.of("billing:3", 0.9, "售后:1", 0.85, "general", 0.7),
                KpiService.targets("billing:3=0.9; 售后=0.85; general=0.7"));
    }
}
