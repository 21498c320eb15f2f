package io.moon.server.config;

/** A refused configuration value, with the parameter and Redis's reason text. */
public final class ConfigException extends Exception {
    /** Why: unknown name, immutable at run time, protected (enable-protected-configs), or a bad value. */
    public enum Kind { UNKNOWN, IMMUTABLE, PROTECTED, BAD_VALUE }

    private final Kind kind;
    private final String param;
    private final String reason;

    public ConfigException(final Kind kind, final String param, final String reason) {
        super(param + ": " + reason);
        this.kind = kind;
        this.param = param;
        this.reason = reason;
    }

    public Kind kind() {
        return kind;
    }

    public String param() {
        return param;
    }

    public String reason() {
        return reason;
    }
}
