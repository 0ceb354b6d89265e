package io.switchboard.system.billing.internal;

/**
 * The billing system answered with a SOAP fault: it is up, and asking again would get the same
 * answer. The message is the fault's own text, for a person to read.
 */
final class BillingFault extends Exception {
    private static final long serialVersionUID = 1L;

    private final String code;

    BillingFault(String code, String text) {
        super(text);
        this.code = code;
    }

    String code() {
        return code;
    }
}
