package io.moon.server.observe;

import org.HdrHistogram.Histogram;

/**
 * Per-command counters of one shard (INFO commandstats and latencystats), indexed by the
 * command's id in the command table so recording is an array store, never a map lookup.
 *
 * <p>Written only by the owning shard's thread; INFO reads them on that same thread (it visits
 * every shard) and merges the copies, so no field needs to be volatile. Histograms are made the
 * first time a command runs on the shard: one allocation per command per shard, never per call.
 */
public final class CommandStats {
    /** Redis tracks 1 ns .. 1 s with 2 significant digits; slower calls are clamped to the top. */
    static final long MAX_NANOS = 1_000_000_000L;

    /** Redis's latency-tracking; cleared, no histogram is touched (the counters still are). */
    public static volatile boolean latencyTracking = true;

    final long[] calls;
    final long[] nanos;
    final long[] rejected;
    final long[] failed;
    final Histogram[] latency;

    public CommandStats(final int commands) {
        calls = new long[commands];
        nanos = new long[commands];
        rejected = new long[commands];
        failed = new long[commands];
        latency = new Histogram[commands];
    }

    /** A command ran for {@code elapsedNanos}; {@code error} when it answered an error. */
    public void record(final int id, final long elapsedNanos, final boolean error) {
        calls[id]++;
        nanos[id] += elapsedNanos;
        if (error) {
            failed[id]++;
        }
        if (latencyTracking) {
            Histogram h = latency[id];
            if (h == null) {
                h = latency[id] = new Histogram(1, MAX_NANOS, 2);
            }
            h.recordValue(Math.max(1, Math.min(elapsedNanos, MAX_NANOS)));
        }
    }

    /** A command refused before it ran (arity, OOM, wrong state): Redis's rejected_calls. */
    public void rejected(final int id) {
        rejected[id]++;
    }

    /** A copy for merging on another thread, made on the owning shard's thread. */
    public CommandStats copy() {
        final CommandStats c = new CommandStats(calls.length);
        System.arraycopy(calls, 0, c.calls, 0, calls.length);
        System.arraycopy(nanos, 0, c.nanos, 0, calls.length);
        System.arraycopy(rejected, 0, c.rejected, 0, calls.length);
        System.arraycopy(failed, 0, c.failed, 0, calls.length);
        for (int i = 0; i < latency.length; i++) {
            if (latency[i] != null) {
                c.latency[i] = latency[i].copy();
            }
        }
        return c;
    }

    /** Adds another shard's copy into this one (at INFO time, off the shards). */
    public void add(final CommandStats o) {
        for (int i = 0; i < calls.length; i++) {
            calls[i] += o.calls[i];
            nanos[i] += o.nanos[i];
            rejected[i] += o.rejected[i];
            failed[i] += o.failed[i];
            if (o.latency[i] != null) {
                if (latency[i] == null) {
                    latency[i] = new Histogram(1, MAX_NANOS, 2);
                }
                latency[i].add(o.latency[i]);
            }
        }
    }

    /** CONFIG RESETSTAT. */
    public void reset() {
        java.util.Arrays.fill(calls, 0);
        java.util.Arrays.fill(nanos, 0);
        java.util.Arrays.fill(rejected, 0);
        java.util.Arrays.fill(failed, 0);
        for (final Histogram h : latency) {
            if (h != null) {
                h.reset();
            }
        }
    }

    public long calls(final int id) {
        return calls[id];
    }

    /** The latency histogram of command {@code id}, or null when it never ran with tracking on. */
    public Histogram histogram(final int id) {
        return latency[id];
    }

    public long nanos(final int id) {
        return nanos[id];
    }

    /** Time spent in every command (INFO eventloop_duration_cmd_sum). */
    public long totalNanos() {
        long sum = 0;
        for (final long n : nanos) {
            sum += n;
        }
        return sum;
    }
}
