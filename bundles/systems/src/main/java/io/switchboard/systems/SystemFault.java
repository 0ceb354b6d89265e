package io.switchboard.systems;

/** The system answered, and the answer is no (or the request cannot be asked at all). */
public class SystemFault extends Exception {

    private static final long serialVersionUID = 1L;

    private final String code;

    public SystemFault(String code, String message) {
        super(message);
        this.code = code;
    }

    /** The system's own code for it (a SOAP faultcode, an HTTP status, an error code), or null. */
    public String code() {
        return code;
    }
}
