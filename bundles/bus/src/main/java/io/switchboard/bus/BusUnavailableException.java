package io.switchboard.bus;

/** The broker did not take a message; the caller must not report it as accepted. */
public class BusUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BusUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
