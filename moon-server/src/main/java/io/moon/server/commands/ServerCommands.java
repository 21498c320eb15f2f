package io.moon.server.commands;

import io.moon.server.Ctx;
import io.moon.server.xshard.Coordinated;
import io.moon.server.xshard.Part;

/** TIME and the MEMORY subcommands other than USAGE. */
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

    // MEMORY PURGE: a full collection, which also gives unused heap back to the OS
    public static void memoryPurge(final Ctx c) {
        System.gc();
        c.out.ok();
    }

    // MEMORY STATS
    public static Coordinated memoryStats(final Ctx c) {
        final Coordinated op = new Coordinated(c) {
            {
                allShards(-1, false);
            }

            @Override
            protected void onLocked(final Part p, final Ctx x) {
                p.n = x.keyspace.keys();
                p.data = x.keyspace.memoryBytes();
            }

            @Override
            protected void onAllLocked() {
                long keys = 0;
                long dataset = 0;
                for (int k = 0; k < partCount(); k++) {
                    keys += partAt(k).n;
                    dataset += (Long) partAt(k).data;
                }
                final long used = InfoCommand.usedMemory();
                final long rss = InfoCommand.rssBytes();
                reply.mapHeader(9);
                reply.bulk("peak.allocated");
                reply.integer(Math.max(used, 0));
                reply.bulk("total.allocated");
                reply.integer(used);
                reply.bulk("keys.count");
                reply.integer(keys);
                reply.bulk("keys.bytes-per-key");
                reply.integer(keys == 0 ? 0 : dataset / keys);
                reply.bulk("dataset.bytes");
                reply.integer(dataset);
                reply.bulk("dataset.percentage");
                reply.doubleValue(used == 0 ? 0 : dataset * 100.0 / used);
                reply.bulk("overhead.total");
                reply.integer(Math.max(0, used - dataset));
                reply.bulk("rss-overhead.bytes");
                reply.integer(rss - used);
                reply.bulk("shards");
                reply.integer(partCount());
                finish();
            }
        };
        op.start(true);
        return op;
    }

    // MEMORY DOCTOR
    public static void memoryDoctor(final Ctx c) {
        c.out.verbatim("No memory problems found. Keys live on heap slab pages; INFO memory shows the keyspace"
                + " bytes (keyspace_bytes), the heap (jvm_heap_*) and the resident set (used_memory_rss).");
    }

    // MEMORY MALLOC-STATS
    public static void mallocStats(final Ctx c) {
        c.out.verbatim("Moon does not use malloc for data: keys and values live in slab pages on the JVM heap."
                + " See INFO memory.");
    }

    // MEMORY HELP
    public static void memoryHelp(final Ctx c) {
        Help.reply(c.out, "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "DOCTOR", "    Return memory problems reports.",
                "MALLOC-STATS", "    Return internal statistics report from the memory allocator.",
                "PURGE", "    Collect garbage and return unused memory to the operating system.",
                "STATS", "    Return information about the memory usage of the server.",
                "USAGE <key> [SAMPLES <count>]",
                "    Return memory in bytes used by <key> and its value. Nested values are",
                "    sampled up to <count> times (default: 5, 0 means sample all).");
    }
}
