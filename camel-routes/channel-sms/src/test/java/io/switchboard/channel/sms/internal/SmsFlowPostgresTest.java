package io.switchboard.channel.sms.internal;

import io.switchboard.testkit.TestDatabase;

/** The SMS flow on PostgreSQL: the channel's tables and queries are the same on both databases. */
class SmsFlowPostgresTest extends SmsFlowTest {

    @Override
    TestDatabase database() {
        return TestDatabase.postgres();
    }
}
