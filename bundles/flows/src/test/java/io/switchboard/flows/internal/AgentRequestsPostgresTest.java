package io.switchboard.flows.internal;

import io.switchboard.testkit.TestDatabase;

/** Agents' requests on PostgreSQL: the table (clob params and data, timestamps) and queries are the same on both. */
class AgentRequestsPostgresTest extends AgentRequestsTest {

    @Override
    TestDatabase database() {
        return TestDatabase.postgres();
    }
}
