package io.switchboard.conversation.internal;

import io.switchboard.api.CanonicalJson;
import io.switchboard.bus.Bus;
import io.switchboard.conversation.AgentDesk;
import io.switchboard.store.Store;
import java.time.Duration;
import org.apache.camel.builder.RouteBuilder;

/** The conversation core as the server runs it (bot off: conversations go straight to the queue), for the KPI tests. */
public final class RealCore {

    private RealCore() {
    }

    public static RouteBuilder inbound(Store store, Bus bus, CanonicalJson json) {
        return new InboundRoutes(store, json, new InboundRoutes.Policy(false, Duration.ofMinutes(30)));
    }

    public static AgentDesk desk(Store store, Bus bus, CanonicalJson json) {
        // the relay's thread is a daemon: it ends with the test's JVM
        return new Desk(store, bus, json, new Outbox(store, bus, json, Duration.ofSeconds(1)));
    }
}
