package io.switchboard.channel.sms.internal;

/** The SMSC refused a submission (its command status is in the message) or could not be reached. */
final class SmscException extends Exception {

    private static final long serialVersionUID = 1L;

    SmscException(String message, Throwable cause) {
        super(message, cause);
    }
}
