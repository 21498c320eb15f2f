package io.moon.server;

/**
 * The process's file-descriptor limit, as maxclients needs it. The JVM raises its soft limit to
 * the hard limit at startup on Linux (-XX:+MaxFDLimit, on by default), so the figure read here is
 * what {@code ulimit -Hn} allowed; raise the hard limit to go higher.
 */
final class Limits {
    /** Descriptors kept for the server's own files and listeners (Redis's CONFIG_MIN_RESERVED_FDS). */
    static final int RESERVED_FDS = 32;

    private Limits() {
    }

    /** The file-descriptor limit of this process, or -1 when the platform does not say. */
    static long maxFileDescriptors() {
        final java.lang.management.OperatingSystemMXBean os =
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount();
        }
        return -1;
    }
}
