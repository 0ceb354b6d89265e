package io.switchboard.kpis.internal;

import io.switchboard.testkit.TestDatabase;

/** The same flows on PostgreSQL: the KPI queries, the breach state and the clusters behave alike. */
class KpiFlowPostgresTest extends KpiFlowTest {

    @Override
    TestDatabase database() {
        return TestDatabase.postgres();
    }
}
