package io.switchboard.flows.internal;

import io.switchboard.testkit.TestDatabase;

/** Flow 1 on PostgreSQL: flow_pickup and its queries are the same on both databases. */
class PickupFlowsPostgresTest extends PickupFlowsTest {

    @Override
    TestDatabase database() {
        return TestDatabase.postgres();
    }
}
