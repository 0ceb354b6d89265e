package io.switchboard.flows.internal;

import io.switchboard.testkit.TestDatabase;

/** The repair flow on PostgreSQL: the flows' tables and queries are the same on both databases. */
class RepairFlowsPostgresTest extends RepairFlowsTest {

    @Override
    TestDatabase database() {
        return TestDatabase.postgres();
    }
}
