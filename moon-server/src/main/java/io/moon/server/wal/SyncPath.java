package io.moon.server.wal;

/**
 * Where one shard's appendfsync always fsync runs: inline on the event loop, or on the shard's
 * sync thread. Owned by the shard's thread; not thread-safe.
 *
 * <p>Why both. An fsync handed to the sync thread costs two thread hand-offs (the loop wakes the
 * sync thread, the sync thread wakes the loop to release the held replies). When the fsync itself
 * is cheap, as on a local SSD or a virtual disk with a write cache, those hand-offs cost more than
 * the fsync: at pipeline depth 1 the loop did less than half of Redis's throughput, which fsyncs
 * inline. When the fsync is slow (a spinning disk, a busy network volume), blocking the loop for
 * it would stall every connection of the shard, and the thread lets the loop keep reading while
 * the disk works. So, by default ({@link Mode#ADAPTIVE}), the shard fsyncs inline while the
 * fastest of its last {@value #WINDOW} inline fsyncs took under {@value #INLINE_FSYNC_MICROS_DEFAULT}
 * microseconds (property {@value #INLINE_FSYNC_MICROS_PROP}), on the thread otherwise. The fastest,
 * not the mean: the time of an fsync on the loop also counts any moment the loop lost the core
 * (to the JIT, the GC, another process) and the occasional slow flush of the disk, and with a mean
 * those outliers sent a depth-1 benchmark to the thread for most of its group commits (fsyncs of
 * 0.1-0.3 ms, a few of 2-3 ms); a disk that is really slow makes every fsync slow.
 *
 * <p>Fsyncs on the thread are not timed (on a shared core that time also includes the loop's own
 * work before the sync thread got the core back). Instead, while on the thread, one fsync runs
 * inline as a probe once {@value #PROBE_FACTOR} times the estimate has passed since the last inline
 * one (at most {@value #PROBE_MAX_MILLIS} ms), so probes take about 1% of the loop's time on a slow
 * disk, and one fast probe brings the fsync back to the loop. Either way a reply leaves only after
 * the fsync of its records returned.
 */
final class SyncPath {
    /** Forces a path (tests, diagnosis): {@code adaptive} (default), {@code inline} or {@code thread}. */
    static final String FSYNC_PATH_PROP = "moon.aof.fsyncPath";
    static final String FSYNC_PATH_DEFAULT = "adaptive";
    /** The adaptive path fsyncs inline while the estimate is under this many microseconds. */
    static final String INLINE_FSYNC_MICROS_PROP = "moon.aof.inlineFsyncMicros";
    static final long INLINE_FSYNC_MICROS_DEFAULT = 500;
    /** How many of the last inline fsyncs the estimate (their fastest) looks at. */
    static final int WINDOW = 4;
    /** On the thread path, a probe runs inline after this many times the estimate... */
    static final int PROBE_FACTOR = 100;
    /** ...or after this long, whichever comes first. */
    static final long PROBE_MAX_MILLIS = 1000;

    enum Mode { ADAPTIVE, INLINE, THREAD }

    private final Mode mode;
    private final long inlineLimitNanos;
    /** The last inline fsyncs' durations (a ring), the fastest of them, and when the last one ended. */
    private final long[] recentNanos = new long[WINDOW];
    private int recentNext;
    private long estimateNanos;
    private long lastInlineNanos;
    /** How many fsyncs each path ran (tests read them). */
    long inlineSyncs;
    long threadSyncs;

    SyncPath(final Mode mode, final long inlineLimitMicros) {
        this.mode = mode;
        this.inlineLimitNanos = inlineLimitMicros * 1000;
        this.lastInlineNanos = System.nanoTime();
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

    /** True when the next fsync should run on the loop ({@code nowNanos} from System.nanoTime). */
    boolean inline(final long nowNanos) {
        return switch (mode) {
            case INLINE -> true;
            case THREAD -> false;
            case ADAPTIVE -> estimateNanos < inlineLimitNanos
                    || nowNanos - lastInlineNanos >= Math.min(PROBE_FACTOR * estimateNanos, PROBE_MAX_MILLIS * 1_000_000);
        };
    }

    /** An inline fsync (failed or not) took {@code nanos} and ended at {@code endNanos} (System.nanoTime). */
    void inlineDone(final long nanos, final long endNanos) {
        inlineSyncs++;
        lastInlineNanos = endNanos;
        recentNanos[recentNext] = nanos;
        recentNext = (recentNext + 1) % WINDOW;
        long min = Long.MAX_VALUE;
        for (final long r : recentNanos) {
            min = Math.min(min, r);
        }
        estimateNanos = min;
    }

    /** A successful fsync on the sync thread (not timed: see the class comment). */
    void threadDone() {
        threadSyncs++;
    }

    long estimateNanos() {
        return estimateNanos;
    }
}
