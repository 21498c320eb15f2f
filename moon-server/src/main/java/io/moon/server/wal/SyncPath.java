package io.moon.server.wal;

/**
 * Where one shard's appendfsync always fsync runs: inline on the event loop, or on the shard's
 * sync thread. Owned by the shard's thread (the thread path reports its duration back there);
 * not thread-safe.
 *
 * <p>Why both. An fsync handed to the sync thread costs two thread hand-offs (the loop wakes the
 * sync thread, the sync thread wakes the loop to release the held replies). When the fsync itself
 * is cheap, as on a local SSD or a virtual disk with a write cache, those hand-offs cost more than
 * the fsync: at pipeline depth 1 the loop did less than half of Redis's throughput, which fsyncs
 * inline. When the fsync is slow (a spinning disk, a busy network volume), blocking the loop for
 * it would stall every connection of the shard, and the thread lets the loop keep reading while
 * the disk works. So, by default ({@link Mode#ADAPTIVE}), the shard keeps a moving average of
 * how long its fsyncs take (measured on both paths) and fsyncs inline while that average is under
 * {@value #INLINE_FSYNC_MICROS_DEFAULT} microseconds (property {@value #INLINE_FSYNC_MICROS_PROP}),
 * on the thread otherwise. The average starts at 0: the first fsync is inline, and one slow
 * fsync is enough to move the next ones to the thread; fast fsyncs measured there bring it back.
 * Either way a reply leaves only after the fsync of its records returned.
 */
final class SyncPath {
    /** Forces a path (tests, diagnosis): {@code adaptive} (default), {@code inline} or {@code thread}. */
    static final String FSYNC_PATH_PROP = "moon.aof.fsyncPath";
    static final String FSYNC_PATH_DEFAULT = "adaptive";
    /** The adaptive path fsyncs inline while the average fsync is under this many microseconds. */
    static final String INLINE_FSYNC_MICROS_PROP = "moon.aof.inlineFsyncMicros";
    static final long INLINE_FSYNC_MICROS_DEFAULT = 500;
    /** Weight of a new sample in the moving average: 1/2^shift. */
    private static final int AVERAGE_SHIFT = 3;

    enum Mode { ADAPTIVE, INLINE, THREAD }

    private final Mode mode;
    private final long inlineLimitNanos;
    private long averageNanos;
    /** How many fsyncs each path ran (tests read them). */
    long inlineSyncs;
    long threadSyncs;

    SyncPath(final Mode mode, final long inlineLimitMicros) {
        this.mode = mode;
        this.inlineLimitNanos = inlineLimitMicros * 1000;
    }

    /** The path the system properties ask for. */
    static SyncPath fromProperties() {
        final String m = System.getProperty(FSYNC_PATH_PROP, FSYNC_PATH_DEFAULT);
        final Mode mode = switch (m) {
            case "inline" -> Mode.INLINE;
            case "thread" -> Mode.THREAD;
            case "adaptive" -> Mode.ADAPTIVE;
            default -> throw new IllegalArgumentException(FSYNC_PATH_PROP + " must be adaptive, inline or thread, not " + m);
        };
        return new SyncPath(mode, Long.getLong(INLINE_FSYNC_MICROS_PROP, INLINE_FSYNC_MICROS_DEFAULT));
    }

    /** True when the next fsync should run on the loop. */
    boolean inline() {
        return switch (mode) {
            case INLINE -> true;
            case THREAD -> false;
            case ADAPTIVE -> averageNanos < inlineLimitNanos;
        };
    }

    /** A successful fsync took {@code nanos} (on {@code inline} or on the sync thread). */
    void observe(final long nanos, final boolean inline) {
        averageNanos += (nanos - averageNanos) >> AVERAGE_SHIFT;
        if (inline) {
            inlineSyncs++;
        } else {
            threadSyncs++;
        }
    }

    long averageNanos() {
        return averageNanos;
    }
}
