package io.switchboard.workorders.internal;

import io.switchboard.api.CanonicalJson;
import io.switchboard.bus.Bus;
import io.switchboard.conversation.AgentDesk;
import io.switchboard.store.Store;
import io.switchboard.workorders.WorkOrderType;
import io.switchboard.workorders.WorkOrders;
import java.time.Duration;
import java.util.Map;

/** The work-order board as the server runs it, with one type from its configuration, for the KPI tests. */
public final class RealWorkOrders {

    private RealWorkOrders() {
    }

    public static WorkOrders board(Store store, Bus bus, AgentDesk desk, Map<String, String> type) {
        store.migrate(Ledger.CHANGELOG, Board.class.getClassLoader());
        WorkOrderType parsed = TypeDefinition.parse(type);
        return new Board(store, bus, desk, new CanonicalJson(), () -> Map.of(parsed.name(), parsed), Duration.ofDays(7));
    }
}
