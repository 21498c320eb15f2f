package io.moon.server;

/**
 * Versions Moon reports. Clients choose features by the Redis version a server announces, so
 * HELLO and INFO's redis_version say which Redis behaviour Moon implements; moon_version says
 * what it is.
 */
public final class Version {
    private Version() {
    }

    /** The Redis release whose behaviour Moon follows. */
    public static final String REDIS_COMPAT = "7.2.4";

    /** Moon's own version, from the jar manifest when packaged. */
    public static final String MOON = moonVersion();

    private static String moonVersion() {
        final String v = Version.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0-SNAPSHOT";
    }
}
