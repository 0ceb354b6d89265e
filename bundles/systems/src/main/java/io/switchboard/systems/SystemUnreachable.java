package io.switchboard.systems;

/** The system could not be asked or did not answer: the request is kept and asked again. */
public class SystemUnreachable extends Exception {

    private static final long serialVersionUID = 1L;

    public SystemUnreachable(String message) {
        super(message);
    }

    public SystemUnreachable(String message, Throwable cause) {
        super(message, cause);
    }
}
