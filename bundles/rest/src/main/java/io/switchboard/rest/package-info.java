/**
 * How a bundle serves an HTTP API in Switchboard: {@link io.switchboard.rest.RestEndpoint} publishes
 * JAX-RS resources under {@code /switchboard/api/...} (route files' own under
 * {@code /switchboard/routes/...}) with the platform's JSON binding, its
 * {@code application/problem+json} errors and its login (HTTP Basic against the Karaf realm);
 * {@link io.switchboard.rest.EventStream} serves a server-sent event stream that no slow reader can hold up.
 */
@Export
@Version("1.7.0")
package io.switchboard.rest;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
