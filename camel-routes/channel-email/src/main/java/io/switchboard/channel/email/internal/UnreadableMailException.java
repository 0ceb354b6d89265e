package io.switchboard.channel.email.internal;

/** A mail that cannot be made into a message; retrying will not change that. Dead-lettered with this reason. */
final class UnreadableMailException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnreadableMailException(String reason, Throwable cause) {
        super(reason, cause);
    }

    UnreadableMailException(String reason) {
        super(reason);
    }
}
