package io.switchboard.workorders.internal;

import io.switchboard.testkit.TestDatabase;

/** Work orders on PostgreSQL: the tables and queries are the same on both databases. */
class BoardPostgresTest extends BoardTest {

    @Override
    TestDatabase database() {
        return TestDatabase.postgres();
    }
}
