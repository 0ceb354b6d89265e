package io.switchboard.bus;

import io.switchboard.api.Outage;

/** The broker did not take a message; the caller must not report it as accepted. An outage: it heals. */
public class BusUnavailableException extends RuntimeException implements Outage {

    private static final long serialVersionUID = 1L;

    public BusUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
