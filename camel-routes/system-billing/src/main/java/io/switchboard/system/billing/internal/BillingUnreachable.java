package io.switchboard.system.billing.internal;

/**
 * No answer from the billing system (connection refused, timeout, an HTTP error without a SOAP
 * envelope, a reply that is not the contract's): the request waits and is asked again.
 */
final class BillingUnreachable extends Exception {
    private static final long serialVersionUID = 1L;

    BillingUnreachable(String reason, Throwable cause) {
        super(reason, cause);
    }
}
