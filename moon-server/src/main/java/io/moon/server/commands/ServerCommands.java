package io.moon.server.commands;

import io.moon.server.Ctx;
import io.moon.server.xshard.Coordinated;
import io.moon.server.xshard.Part;

/** TIME, LOLWUT and the MEMORY subcommands other than USAGE (SHUTDOWN is in persist.SnapshotCommands). */
public final class ServerCommands {

    private ServerCommands() {
    }

    // TIME
    public static void time(final Ctx c) {
        final java.time.Instant now = java.time.Instant.now();
        c.out.arrayHeader(2);
        c.out.bulkLong(now.getEpochSecond());
        c.out.bulkLong(now.getNano() / 1000);
    }

    private static final byte[] VERSION = "VERSION".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    // LOLWUT [VERSION version]: Redis draws computer art for versions 5 and 6 and otherwise
    // answers its version line; Moon draws none and always answers the line (docs/differences.md)
    public static void lolwut(final Ctx c) {
        if (c.argc() == 3 && c.req.argIs(1, VERSION) && !c.req.parseLong(2)) {
            c.out.raw(Errors.NOT_INTEGER);
            return;
        }
        c.out.verbatim("Redis ver. " + io.moon.server.Version.REDIS_COMPAT + "\n");
    }

    // MEMORY PURGE: a full collection, which also gives unused heap back to the OS, then the
    // native heap's free memory back too
    public static void memoryPurge(final Ctx c) {
        System.gc();
        io.moon.server.NativeHeap.trim();
        c.out.ok();
    }

    // MEMORY STATS: Redis's fields, in its order; the allocator figures are the JVM's heap and direct memory
    public static Coordinated memoryStats(final Ctx c) {
        final int dbs = c.keyspace.databases();
        final Coordinated op = new Coordinated(c) {
            {
                allShards(-1, false);
            }

            @Override
            protected void onLocked(final Part p, final Ctx x) {
                final long[] keysPerDb = new long[dbs + 1]; // per database, then the clients' bytes
                for (int d = 0; d < dbs; d++) {
                    keysPerDb[d] = x.keyspace.db(d).size();
                }
                long clients = 0;
                for (final io.moon.server.net.Connection conn : x.shard.clients()) {
                    clients += io.moon.server.net.ClientMemory.totalBytes(conn);
                }
                keysPerDb[dbs] = clients;
                x.shard.memory.clients(clients); // used_memory holds the same figure (as INFO's)
                x.shard.memory.refresh();
                p.data = keysPerDb;
            }

            @Override
            protected void onAllLocked() {
                final long[] sum = new long[dbs + 1];
                for (int k = 0; k < partCount(); k++) {
                    final long[] part = (long[]) partAt(k).data;
                    for (int d = 0; d <= dbs; d++) {
                        sum[d] += part[d];
                    }
                }
                long keys = 0;
                int nonEmpty = 0;
                for (int d = 0; d < dbs; d++) {
                    keys += sum[d];
                    nonEmpty += sum[d] > 0 ? 1 : 0;
                }
                // the figures INFO memory prints, from the same report
                final io.moon.server.memory.MemoryReport m = new io.moon.server.memory.MemoryReport(
                        c.server.memoryLimit.total(), InfoCommand.peakMemory(), sum[dbs], c.server.memoryBaseline);
                reply.mapHeader(27 + nonEmpty);
                entry("peak.allocated", m.peak);
                entry("total.allocated", m.used);
                entry("startup.allocated", m.startup);
                entry("replication.backlog", 0);
                entry("clients.slaves", 0);
                entry("clients.normal", m.clients);
                entry("cluster.links", 0);
                entry("aof.buffer", 0);
                entry("lua.caches", 0);
                entry("functions.caches", 0);
                for (int d = 0; d < dbs; d++) {
                    if (sum[d] > 0) {
                        reply.bulk("db." + d);
                        reply.mapHeader(3);
                        entry("overhead.hashtable.main", 0);
                        entry("overhead.hashtable.expires", 0);
                        entry("overhead.hashtable.slot-to-keys", 0);
                    }
                }
                entry("overhead.total", m.overhead);
                entry("keys.count", keys);
                entry("keys.bytes-per-key", keys == 0 ? 0 : m.netUsage / keys);
                entry("dataset.bytes", m.dataset);
                reply.bulk("dataset.percentage");
                reply.doubleValue(m.datasetPercent());
                reply.bulk("peak.percentage");
                reply.doubleValue(m.peakPercent());
                entry("allocator.allocated", m.used);
                entry("allocator.active", m.active);
                entry("allocator.resident", m.resident);
                reply.bulk("allocator-fragmentation.ratio");
                reply.doubleValue(m.allocatorFragRatio());
                entry("allocator-fragmentation.bytes", m.active - m.used);
                reply.bulk("allocator-rss.ratio");
                reply.doubleValue(m.allocatorRssRatio());
                entry("allocator-rss.bytes", m.resident - m.active);
                reply.bulk("rss-overhead.ratio");
                reply.doubleValue(1.0);
                entry("rss-overhead.bytes", 0);
                reply.bulk("fragmentation");
                reply.doubleValue(m.fragmentationRatio());
                entry("fragmentation.bytes", m.fragmentationBytes());
                finish();
            }

            private void entry(final String name, final long value) {
                reply.bulk(name);
                reply.integer(value);
            }
        };
        op.start(true);
        return op;
    }

    // MEMORY DOCTOR
    public static void memoryDoctor(final Ctx c) {
        final java.lang.management.MemoryUsage heap =
                java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        c.out.verbatim(memoryReport(c.server.memoryLimit.total(), InfoCommand.peakMemory(), InfoCommand.rssBytes(),
                c.server.config.maxmemory, heap.getUsed(), heap.getMax()));
    }

    /** MEMORY DOCTOR's findings (Moon's own wording), from INFO memory's figures. */
    static String memoryReport(final long used, final long peak, final long rss, final long maxmemory,
                               final long heapUsed, final long heapMax) {
        final StringBuilder sb = new StringBuilder();
        if (used < 5L << 20) {
            sb.append("This server holds little data (").append(InfoCommand.human(used))
                    .append("), too little for the ratios below to mean anything.\n");
        } else {
            if (maxmemory > 0 && used * 10 >= maxmemory * 9) {
                sb.append("* used_memory is ").append(used * 100 / maxmemory).append("% of maxmemory (")
                        .append(InfoCommand.human(maxmemory)).append("): writes will soon evict keys or be refused,"
                                + " depending on maxmemory-policy.\n");
            }
            if (peak > used * 3 / 2) {
                sb.append("* The peak (").append(InfoCommand.human(peak)).append(") is well above what is used now (")
                        .append(InfoCommand.human(used)).append("): the JVM keeps heap it grew into; MEMORY PURGE"
                                + " runs a collection and hands free heap back to the OS.\n");
            }
            if (rss > used * 3 / 2) {
                sb.append("* The resident set (").append(InfoCommand.human(rss)).append(") is ")
                        .append(String.format(java.util.Locale.ROOT, "%.2f", (double) rss / used))
                        .append(" times used_memory: JVM heap headroom, code and thread stacks; a smaller -Xmx"
                                + " (MOON_JAVA_OPTS) or maxmemory lowers it.\n");
            }
        }
        if (heapMax > 0 && heapUsed * 10 >= heapMax * 9) {
            sb.append("* The JVM heap is ").append(heapUsed * 100 / heapMax).append("% full (")
                    .append(InfoCommand.human(heapMax)).append(" max): set maxmemory below the heap, or a larger"
                            + " -Xmx, before the JVM runs out.\n");
        }
        if (sb.isEmpty()) {
            sb.append("No memory problems found: used_memory, its peak, the resident set and the JVM heap are in"
                    + " proportion.\n");
        }
        return sb.toString();
    }

    // MEMORY MALLOC-STATS
    public static void mallocStats(final Ctx c) {
        c.out.verbatim("Moon does not use malloc for data: keys and values live in slab pages on the JVM heap."
                + " See INFO memory.");
    }

    // MEMORY HELP
    public static void memoryHelp(final Ctx c) {
        Help.reply(c.out, "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "DOCTOR", "    Look for memory problems and describe any found.",
                "MALLOC-STATS", "    Describe the allocator behind the data (JVM heap slab pages here).",
                "PURGE", "    Run a full garbage collection and hand unused heap back to the OS.",
                "STATS", "    Reply with a map of memory figures: totals, overheads, dataset, per database.",
                "USAGE <key> [SAMPLES <count>]",
                "    Reply with the bytes <key> and its value take. SAMPLES is accepted for",
                "    compatibility: Moon measures strings exactly.");
    }
}
