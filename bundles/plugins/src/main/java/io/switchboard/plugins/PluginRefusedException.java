package io.switchboard.plugins;

/** A plugin that will not be published or installed, and why (shown to the operator as it is). */
public class PluginRefusedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PluginRefusedException(String reason) {
        super(reason);
    }

    public PluginRefusedException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
