package io.switchboard.channel.email.internal;

import io.switchboard.testkit.TestDatabase;

/** The email flow on PostgreSQL: the channel's tables (bytea attachments included) behave the same. */
class EmailFlowPostgresTest extends EmailFlowTest {

    @Override
    TestDatabase database() {
        return TestDatabase.postgres();
    }
}
