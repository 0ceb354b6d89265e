package io.switchboard.sdk.maven;

/** The plugin descriptor, or what the build found to fill it, is not what the platform accepts; the message says which field. */
final class InvalidDescriptorException extends Exception {

    private static final long serialVersionUID = 1L;

    InvalidDescriptorException(String message) {
        super(message);
    }
}
