package io.moon.server.memory;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The figures INFO memory and MEMORY STATS share, computed once from Moon's own accounting so
 * the two agree and add up (docs/observability.md, "Memory figures"):
 *
 * <ul>
 * <li>{@code used}: what maxmemory enforces, the shards' published totals (keys, values, tables,
 * connections' buffers);</li>
 * <li>{@code startup}: the same accounting measured when the server was built, before any data;</li>
 * <li>{@code overhead} = startup + clients' buffers (never above used); {@code dataset} = used -
 * overhead; the dataset percentage is of used - startup, as Redis's;</li>
 * <li>fragmentation: a JVM's resident set holds a runtime (code, JIT, metaspace, thread stacks, an
 * empty heap) that no accounting of data covers, so RSS / used reads in the hundreds on an idle
 * server. Moon compares the resident set with used plus the baseline the process had at
 * startup: an idle or steady server reads about 1.0, and heap bloat shows as growth. The
 * allocator figures subtract the startup heap in the same way.</li>
 * </ul>
 *
 * Cold path (INFO, MEMORY STATS); immutable.
 */
public final class MemoryReport {
    /** The process when the server was built: accounted bytes, resident set, committed heap. */
    public record Baseline(long used, long rss, long heapCommitted) {
        /** Measures the process now; {@code used} is the accounting's total at this moment. */
        public static Baseline measure(final long used) {
            return new Baseline(used, rssBytes(), committedHeap());
        }
    }

    public final long used;
    public final long peak;
    public final long startup;
    public final long clients;
    public final long overhead;
    public final long dataset;
    /** used - startup (at least 1), what Redis's percentages and bytes-per-key divide by. */
    public final long netUsage;
    public final long rss;
    public final long active;
    public final long resident;
    /** used + the startup resident set: what the resident set is compared with. */
    public final long expectedRss;

    public MemoryReport(final long used, final long peak, final long clients, final Baseline base) {
        this.used = used;
        this.peak = Math.max(peak, used);
        this.startup = base.used();
        this.clients = clients;
        this.overhead = Math.min(used, startup + clients);
        this.dataset = used - overhead;
        this.netUsage = Math.max(1, used - startup);
        this.rss = rssBytes();
        this.active = Math.max(used, committedHeap() - base.heapCommitted());
        this.resident = Math.max(active, rss - base.rss());
        this.expectedRss = used + base.rss();
    }

    public double datasetPercent() {
        return dataset * 100.0 / netUsage;
    }

    public double peakPercent() {
        return peak == 0 ? 0 : used * 100.0 / peak;
    }

    public double allocatorFragRatio() {
        return used == 0 ? 1.0 : (double) active / used;
    }

    public double allocatorRssRatio() {
        return active == 0 ? 1.0 : (double) resident / active;
    }

    public double fragmentationRatio() {
        return expectedRss == 0 ? 1.0 : (double) rss / expectedRss;
    }

    public long fragmentationBytes() {
        return rss - expectedRss;
    }

    /** The process's resident set in bytes (0 where /proc is missing). */
    public static long rssBytes() {
        try {
            final String statm = Files.readString(Path.of("/proc/self/statm")).trim();
            return Long.parseLong(statm.split("\\s+")[1]) * 4096L;
        } catch (final Exception e) {
            return 0;
        }
    }

    private static long committedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
    }
}
