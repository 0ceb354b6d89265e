package io.switchboard.bus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.bus.BusGrants.Grant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BrokerGrantsTest {

    @Test
    void grantsSurviveTheirConfigurationForm() {
        Map<String, Grant> grants = Map.of(
                "probe", new Grant(Set.of("sb.outbound.probe", "sb.events"), Set.of("sb.inbound")),
                "idle", new Grant(Set.of(), Set.of()),
                "writer-only", new Grant(Set.of(), Set.of("sb.inbound", "sb.business-events")));
        var properties = BrokerGrants.format(grants);
        assertEquals("sb.events,sb.outbound.probe", properties.get("probe.reads"));
        assertEquals("", properties.get("idle.writes"));
        assertEquals(grants, BrokerGrants.parse(properties));
    }
}
