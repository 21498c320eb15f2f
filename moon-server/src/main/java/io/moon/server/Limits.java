package io.moon.server;

/**
 * The process's file-descriptor limit, as maxclients needs it. The JVM raises its soft limit to
 * the hard limit at startup on Linux (-XX:+MaxFDLimit, on by default), so the figure read here is
 * what {@code ulimit -Hn} allowed; raise the hard limit to go higher.
 */
public final class Limits {
    /** Descriptors kept for the server's own files and listeners (Redis's CONFIG_MIN_RESERVED_FDS). */
    static final int RESERVED_FDS = 32;

    private Limits() {
    }

    /**
     * The clients this process can serve when maxclients is more than its descriptors allow
     * (the limit less the reserved ones, Redis's adjustOpenFilesLimit), or -1 when maxclients
     * fits or the limit is unknown. The soft limit already equals the hard one (see above), so
     * the figure is what Redis would reach by raising its own.
     */
    public static long clientsThatFit(final long maxclients) {
        final long fds = maxFileDescriptors();
        if (fds <= RESERVED_FDS || maxclients + RESERVED_FDS <= fds) {
            return -1;
        }
        return fds - RESERVED_FDS;
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
