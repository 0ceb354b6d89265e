/**
 * The database of the platform: customers, conversations and messages, in transactions, identical on
 * H2 and PostgreSQL. Plugins keep their own tables beside them with {@link io.switchboard.store.Store#migrate}.
 * {@link io.switchboard.store.Nonces} takes each signed request's nonce once. A bundle keeping customers'
 * data in its own tables registers a {@link io.switchboard.store.PersonalData}, so that erasing a customer
 * and purging closed conversations past the retention period reach it.
 */
@Export
@Version("1.5.0")
package io.switchboard.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
