package io.moon.server.commands;

import io.moon.server.Ctx;
import io.moon.server.Server;
import io.moon.server.ShardStats;
import io.moon.server.Version;
import io.moon.server.config.Config;
import io.moon.server.xshard.Coordinated;
import io.moon.server.xshard.Part;
import io.moon.storage.Db;
import io.moon.storage.KeyspaceStats;

import io.moon.server.memory.MemoryReport;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * INFO [section ...], in Redis's format ("# Section" headers, "field:value" lines, CRLF). The
 * counters live on the shards, so INFO asks every shard for a snapshot (in parallel, without
 * locks) and adds them up before formatting.
 */
public final class InfoCommand {
    private InfoCommand() {
    }

    /** Sections in the order Redis prints them, whatever order they were asked in. */
    static final List<String> ORDER = List.of("server", "clients", "memory", "persistence", "stats",
            "replication", "cpu", "modules", "commandstats", "errorstats", "latencystats", "cluster", "keyspace");
    /** What INFO and INFO default print: all but the per-command sections, as Redis. */
    private static final List<String> DEFAULT_SECTIONS = List.of("server", "clients", "memory", "persistence",
            "stats", "replication", "cpu", "modules", "errorstats", "cluster", "keyspace");
    private static volatile long peakMemory;

    /** What one shard reports. */
    static final class Snapshot {
        final KeyspaceStats ks = new KeyspaceStats();
        long commands;
        long connections;
        long netIn;
        long reads;
        long writes;
        long netOut;
        long opsPerSec;
        long cycles;
        long activeNanos;
        long commandNanos;
        long cyclesPerSec;
        long sampledCycles;
        long sampledActiveNanos;
        long inPerSec;
        long outPerSec;
        long rejectedCalls;
        long evictedClients;
        long errorReplies;
        long remoteCalls;
        long crossShardOps;
        long pipelineBatches;
        long pipelineBatchCommands;
        long aclDeniedAuth;
        final long[] aclDenied = new long[5];
        long keyspaceBytes;
        final java.util.TreeMap<String, Long> errors = new java.util.TreeMap<>();
        long[] keys;
        long[] expires;
        long[] avgTtl;
        int clients;
        /** Largest query and output buffer of a client now, and all clients' buffer bytes. */
        long maxInput;
        long maxOutput;
        long clientBytes;
        long blockedClients;
        long blockedWithTimeout;
        long blockingKeys;
        long blockingKeysOnNoKey;
        long trackingKeys;
        long trackingItems;
        io.moon.server.observe.CommandStats perCommand;
    }

    // INFO [section [section ...]]
    public static Coordinated info(final Ctx c) {
        final Set<String> sections = new LinkedHashSet<>();
        boolean all = false;
        if (c.req.argc() == 1) {
            sections.addAll(DEFAULT_SECTIONS);
        }
        for (int i = 1; i < c.req.argc(); i++) {
            final String s = c.req.argString(i).toLowerCase(Locale.ROOT);
            switch (s) {
                case "default" -> sections.addAll(DEFAULT_SECTIONS);
                case "all", "everything" -> {
                    sections.addAll(DEFAULT_SECTIONS);
                    all = true;
                }
                default -> sections.add(s);
            }
        }
        final boolean everything = all;
        final boolean wantsCommands = all || sections.contains("commandstats") || sections.contains("latencystats");
        final Coordinated op = new Coordinated(c) {
            {
                allShards(-1, false);
            }

            @Override
            protected void onLocked(final Part p, final Ctx x) {
                final Snapshot s = new Snapshot();
                s.ks.add(x.keyspace.stats);
                final ShardStats st = x.shard.stats;
                s.commands = st.commandsProcessed;
                s.connections = st.connectionsReceived;
                s.netIn = st.netInputBytes;
                s.reads = st.readsProcessed;
                s.writes = st.writesProcessed;
                s.netOut = st.netOutputBytes;
                s.opsPerSec = st.instantaneousOps();
                s.cycles = st.eventLoopCycles();
                s.activeNanos = st.eventLoopActiveNanos();
                s.commandNanos = st.perCommand.totalNanos();
                s.cyclesPerSec = st.instantaneousCycles();
                s.sampledCycles = st.sampledCycles();
                s.sampledActiveNanos = st.sampledActiveNanos();
                s.inPerSec = st.instantaneousInputBytes();
                s.outPerSec = st.instantaneousOutputBytes();
                s.rejectedCalls = st.rejectedCalls;
                s.evictedClients = st.evictedClients;
                s.errorReplies = st.totalErrorReplies;
                s.remoteCalls = st.remoteCalls;
                s.crossShardOps = st.crossShardOps;
                s.pipelineBatches = st.pipelineBatches;
                s.pipelineBatchCommands = st.pipelineBatchCommands;
                s.aclDeniedAuth = st.aclDeniedAuth;
                System.arraycopy(st.aclDenied, 0, s.aclDenied, 0, s.aclDenied.length);
                s.keyspaceBytes = x.keyspace.memoryBytes();
                final int dbs = x.keyspace.databases();
                s.keys = new long[dbs];
                s.expires = new long[dbs];
                s.avgTtl = new long[dbs];
                for (int d = 0; d < dbs; d++) {
                    final Db db = x.keyspace.db(d);
                    s.keys[d] = db.size();
                    s.expires[d] = db.expiresCount();
                    s.avgTtl[d] = db.avgTtlMillis();
                }
                long clientBytes = 0;
                for (final io.moon.server.net.Connection conn : x.shard.clients()) {
                    if (!conn.isClosed()) {
                        s.clients++; // one closed (CLIENT KILL) is gone for Redis, if not yet for its channel
                    }
                    clientBytes += io.moon.server.net.ClientMemory.totalBytes(conn);
                    final long in = conn.queryBufferBytes() + io.moon.server.net.ClientMemory.argvBytes(conn);
                    final long out = conn.outputBufferBytes();
                    s.maxInput = Math.max(s.maxInput, in);
                    s.maxOutput = Math.max(s.maxOutput, out);
                }
                // the shard's used_memory holds the same figure, so the memory section adds up
                // (overhead = startup + clients, dataset = used - overhead)
                s.clientBytes = clientBytes;
                x.shard.memory.clients(clientBytes);
                x.shard.memory.refresh(); // publishes this shard's bytes: used_memory is their sum
                s.blockedClients = x.shard.blocked.blockedClients + x.shard.parkedClients(); // Redis counts paused ones
                s.blockedWithTimeout = x.shard.blocked.blockedWithTimeout;
                s.blockingKeys = x.shard.blocked.keyCount();
                s.blockingKeysOnNoKey = x.shard.blocked.keyCountOnNoKey();
                s.trackingKeys = x.shard.tracking.keyCount();
                s.trackingItems = x.shard.tracking.itemCount();
                x.shard.stats.errorCounts.forEach((k, v) -> s.errors.put(k, v[0]));
                if (wantsCommands) {
                    s.perCommand = x.shard.stats.perCommand.copy();
                }
                p.data = s;
            }

            @Override
            protected void onAllLocked() {
                final Snapshot total = new Snapshot();
                final int dbs = server.config.databases;
                total.keys = new long[dbs];
                total.expires = new long[dbs];
                total.avgTtl = new long[dbs];
                final long[] ttlWeight = new long[dbs];
                for (int k = 0; k < partCount(); k++) {
                    final Snapshot s = (Snapshot) partAt(k).data;
                    total.ks.add(s.ks);
                    total.commands += s.commands;
                    total.connections += s.connections;
                    total.netIn += s.netIn;
                    total.reads += s.reads;
                    total.writes += s.writes;
                    total.netOut += s.netOut;
                    total.opsPerSec += s.opsPerSec;
                    total.cycles += s.cycles;
                    total.activeNanos += s.activeNanos;
                    total.commandNanos += s.commandNanos;
                    total.cyclesPerSec += s.cyclesPerSec;
                    total.sampledCycles += s.sampledCycles;
                    total.sampledActiveNanos += s.sampledActiveNanos;
                    total.inPerSec += s.inPerSec;
                    total.outPerSec += s.outPerSec;
                    total.rejectedCalls += s.rejectedCalls;
                    total.evictedClients += s.evictedClients;
                    total.errorReplies += s.errorReplies;
                    total.remoteCalls += s.remoteCalls;
                    total.crossShardOps += s.crossShardOps;
                    total.pipelineBatches += s.pipelineBatches;
                    total.pipelineBatchCommands += s.pipelineBatchCommands;
                    total.aclDeniedAuth += s.aclDeniedAuth;
                    for (int r = 0; r < s.aclDenied.length; r++) {
                        total.aclDenied[r] += s.aclDenied[r];
                    }
                    total.keyspaceBytes += s.keyspaceBytes;
                    total.clients += s.clients;
                    total.maxInput = Math.max(total.maxInput, s.maxInput);
                    total.maxOutput = Math.max(total.maxOutput, s.maxOutput);
                    total.clientBytes += s.clientBytes;
                    total.blockedClients += s.blockedClients;
                    total.blockedWithTimeout += s.blockedWithTimeout;
                    total.blockingKeys += s.blockingKeys;
                    total.blockingKeysOnNoKey += s.blockingKeysOnNoKey;
                    total.trackingKeys += s.trackingKeys;
                    total.trackingItems += s.trackingItems;
                    s.errors.forEach((e, n) -> total.errors.merge(e, n, Long::sum));
                    if (s.perCommand != null) {
                        if (total.perCommand == null) {
                            total.perCommand = s.perCommand;
                        } else {
                            total.perCommand.add(s.perCommand);
                        }
                    }
                    for (int d = 0; d < dbs; d++) {
                        total.keys[d] += s.keys[d];
                        total.expires[d] += s.expires[d];
                        total.avgTtl[d] += s.avgTtl[d] * s.expires[d];
                        ttlWeight[d] += s.expires[d];
                    }
                }
                for (int d = 0; d < dbs; d++) {
                    total.avgTtl[d] = ttlWeight[d] == 0 ? 0 : total.avgTtl[d] / ttlWeight[d];
                }
                reply.verbatim(format(server, sections, everything, total));
                finish();
            }
        };
        op.start(true);
        return op;
    }

    static String format(final Server server, final Set<String> sections, final boolean all, final Snapshot t) {
        final StringBuilder sb = new StringBuilder(4096);
        for (final String s : ORDER) {
            if (!all && !sections.contains(s)) {
                continue;
            }
            if (!sb.isEmpty()) {
                sb.append("\r\n");
            }
            switch (s) {
                case "server" -> server(sb, server);
                case "clients" -> clients(sb, server, t);
                case "memory" -> memory(sb, server, t);
                case "persistence" -> persistence(sb, server);
                case "stats" -> stats(sb, server, t);
                case "replication" -> replication(sb, server);
                case "cpu" -> cpu(sb);
                case "modules" -> sb.append("# Modules\r\n");
                case "commandstats" -> io.moon.server.observe.CommandSections.commandstats(sb, server.commands,
                        t.perCommand);
                case "errorstats" -> errorstats(sb, t);
                case "latencystats" -> io.moon.server.observe.CommandSections.latencystats(sb, server.commands,
                        t.perCommand, server.config.latencyPercentiles);
                case "cluster" -> sb.append("# Cluster\r\ncluster_enabled:0\r\n");
                case "keyspace" -> keyspace(sb, t);
                default -> throw new IllegalStateException(s);
            }
        }
        return sb.toString();
    }

    private static void line(final StringBuilder sb, final String k, final Object v) {
        sb.append(k).append(':').append(v).append("\r\n");
    }

    private static void server(final StringBuilder sb, final Server s) {
        final Config cfg = s.config;
        final java.time.Instant now = java.time.Instant.now(); // microseconds where the OS clock has them
        final long nowMicros = now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
        sb.append("# Server\r\n");
        line(sb, "redis_version", Version.REDIS_COMPAT);
        line(sb, "redis_git_sha1", "00000000");
        line(sb, "redis_git_dirty", 0);
        line(sb, "redis_build_id", "0");
        line(sb, "redis_mode", "standalone");
        line(sb, "os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + machine());
        line(sb, "arch_bits", 64);
        line(sb, "monotonic_clock", "POSIX clock_gettime");
        line(sb, "multiplexing_api", s.transport().label());
        line(sb, "atomicvar_api", "java-varhandle");
        line(sb, "gcc_version", "0.0.0");
        line(sb, "process_id", ProcessHandle.current().pid());
        line(sb, "process_supervised", "no");
        line(sb, "run_id", s.runId);
        line(sb, "tcp_port", cfg.port);
        line(sb, "server_time_usec", nowMicros);
        line(sb, "uptime_in_seconds", s.uptimeSeconds());
        line(sb, "uptime_in_days", s.uptimeSeconds() / 86400);
        line(sb, "hz", cfg.hz);
        line(sb, "configured_hz", cfg.hz);
        line(sb, "lru_clock", (System.currentTimeMillis() / 1000) & 0xffffff);
        line(sb, "executable", System.getProperty("moon.executable", ""));
        line(sb, "config_file", cfg.file() == null ? "" : cfg.file().toString());
        line(sb, "io_threads_active", 0);
        sb.append("listener0:name=tcp");
        for (final String b : cfg.bind.trim().split("\\s+")) {
            sb.append(",bind=").append(b);
        }
        sb.append(",port=").append(cfg.port).append("\r\n");
        line(sb, "moon_version", Version.MOON);
        line(sb, "moon_shards", s.shardCount());
        line(sb, "java_version", Runtime.version());
    }

    /** The machine as uname prints it (Redis's os field): Java names x86-64 "amd64" and 32-bit x86 "x86". */
    static String machine() {
        final String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64" -> "x86_64";
            case "x86" -> "i686";
            default -> arch;
        };
    }

    private static void clients(final StringBuilder sb, final Server s, final Snapshot t) {
        sb.append("# Clients\r\n");
        line(sb, "connected_clients", t.clients);
        line(sb, "cluster_connections", 0);
        line(sb, "maxclients", s.config.maxclients);
        // Redis keeps the largest of the last few seconds; Moon reports the largest now
        line(sb, "client_recent_max_input_buffer", t.maxInput);
        line(sb, "client_recent_max_output_buffer", t.maxOutput);
        line(sb, "blocked_clients", t.blockedClients);
        line(sb, "tracking_clients", s.tracking.clientCount());
        line(sb, "clients_in_timeout_table", t.blockedWithTimeout);
        line(sb, "total_blocking_keys", t.blockingKeys);
        line(sb, "total_blocking_keys_on_nokey", t.blockingKeysOnNoKey);
    }

    static long rssBytes() {
        return MemoryReport.rssBytes();
    }

    static String human(final long bytes) {
        final double b = bytes;
        if (b < 1024) {
            return bytes + "B";
        } else if (b < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.2fK", b / 1024);
        } else if (b < 1024.0 * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.2fM", b / (1024 * 1024));
        } else if (b < 1024.0 * 1024 * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.2fG", b / (1024.0 * 1024 * 1024));
        }
        return String.format(Locale.ROOT, "%.2fT", b / (1024.0 * 1024 * 1024 * 1024));
    }

    private static void memory(final StringBuilder sb, final Server s, final Snapshot t) {
        final long used = s.memoryLimit.total(); // Moon's own accounting: data and buffers
        if (used > peakMemory) {
            peakMemory = used;
        }
        final MemoryReport m = new MemoryReport(used, peakMemory, t.clientBytes, s.memoryBaseline);
        final MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        final long totalSystem = totalSystemMemory();
        sb.append("# Memory\r\n");
        line(sb, "used_memory", used);
        line(sb, "used_memory_human", human(used));
        line(sb, "used_memory_rss", m.rss);
        line(sb, "used_memory_rss_human", human(m.rss));
        line(sb, "used_memory_peak", m.peak);
        line(sb, "used_memory_peak_human", human(m.peak));
        line(sb, "used_memory_peak_perc", percent(m.peakPercent()));
        line(sb, "used_memory_overhead", m.overhead);
        line(sb, "used_memory_startup", m.startup);
        line(sb, "used_memory_dataset", m.dataset);
        line(sb, "used_memory_dataset_perc", percent(m.datasetPercent()));
        line(sb, "allocator_allocated", used);
        line(sb, "allocator_active", m.active);
        line(sb, "allocator_resident", m.resident);
        line(sb, "total_system_memory", totalSystem);
        line(sb, "total_system_memory_human", human(totalSystem));
        line(sb, "used_memory_lua", 0);
        line(sb, "used_memory_vm_eval", 0);
        line(sb, "used_memory_lua_human", "0B");
        // scripts and functions: Moon's estimates of the sources and entries; the Lua VMs' own
        // memory is part of the JVM heap and not measured apart (the used_memory_vm_* fields)
        final long evalBytes = s.scripts.cache.bytes();
        final long functionBytes = s.scripts.libraries.bytes();
        line(sb, "used_memory_scripts_eval", evalBytes);
        line(sb, "number_of_cached_scripts", s.scripts.cache.size());
        line(sb, "number_of_functions", s.scripts.libraries.functionCount());
        line(sb, "number_of_libraries", s.scripts.libraries.libraries().size());
        line(sb, "used_memory_vm_functions", 0);
        line(sb, "used_memory_vm_total", 0);
        line(sb, "used_memory_vm_total_human", "0B");
        line(sb, "used_memory_functions", functionBytes);
        line(sb, "used_memory_scripts", evalBytes + functionBytes);
        line(sb, "used_memory_scripts_human", human(evalBytes + functionBytes));
        line(sb, "maxmemory", s.config.maxmemory);
        line(sb, "maxmemory_human", human(s.config.maxmemory));
        line(sb, "maxmemory_policy", s.config.maxmemoryPolicy);
        // ratios against used plus the process's startup baseline (MemoryReport): about 1.0 when steady
        line(sb, "allocator_frag_ratio", ratio(m.allocatorFragRatio()));
        line(sb, "allocator_frag_bytes", m.active - used);
        line(sb, "allocator_rss_ratio", ratio(m.allocatorRssRatio()));
        line(sb, "allocator_rss_bytes", m.resident - m.active);
        line(sb, "rss_overhead_ratio", "1.00");
        line(sb, "rss_overhead_bytes", 0);
        line(sb, "mem_fragmentation_ratio", ratio(m.fragmentationRatio()));
        line(sb, "mem_fragmentation_bytes", m.fragmentationBytes());
        line(sb, "mem_not_counted_for_evict", 0);
        line(sb, "mem_replication_backlog", 0);
        line(sb, "mem_total_replication_buffers", 0);
        line(sb, "mem_clients_slaves", 0);
        line(sb, "mem_clients_normal", t.clientBytes);
        line(sb, "mem_cluster_links", 0);
        line(sb, "mem_aof_buffer", 0);
        line(sb, "mem_allocator", "jvm-slabs");
        line(sb, "active_defrag_running", 0);
        line(sb, "lazyfree_pending_objects", 0);
        line(sb, "lazyfreed_objects", 0);
        line(sb, "jvm_heap_used", heap.getUsed());
        line(sb, "jvm_heap_committed", heap.getCommitted());
        line(sb, "jvm_heap_max", heap.getMax());
        line(sb, "keyspace_bytes", t.keyspaceBytes);
    }

    private static String percent(final double v) {
        return String.format(Locale.ROOT, "%.2f%%", v);
    }

    private static String ratio(final double r) {
        return String.format(Locale.ROOT, "%.2f", r);
    }

    static long peakMemory() {
        return peakMemory;
    }

    /** Forgets the memory peak (CONFIG RESETSTAT). */
    static void resetPeak() {
        peakMemory = 0;
    }

    static long totalSystemMemory() {
        final var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getTotalMemorySize();
        }
        return 0;
    }

    private static void persistence(final StringBuilder sb, final Server s) {
        s.observe.persistenceFields(s.startMillis / 1000).appendTo(sb);
    }

    private static void stats(final StringBuilder sb, final Server s, final Snapshot t) {
        final KeyspaceStats ks = t.ks;
        sb.append("# Stats\r\n");
        line(sb, "total_connections_received", t.connections);
        line(sb, "total_commands_processed", t.commands);
        line(sb, "instantaneous_ops_per_sec", t.opsPerSec);
        line(sb, "total_net_input_bytes", t.netIn);
        line(sb, "total_net_output_bytes", t.netOut);
        line(sb, "total_net_repl_input_bytes", 0);
        line(sb, "total_net_repl_output_bytes", 0);
        line(sb, "instantaneous_input_kbps", String.format(Locale.ROOT, "%.2f", t.inPerSec / 1024.0));
        line(sb, "instantaneous_output_kbps", String.format(Locale.ROOT, "%.2f", t.outPerSec / 1024.0));
        line(sb, "instantaneous_input_repl_kbps", "0.00");
        line(sb, "instantaneous_output_repl_kbps", "0.00");
        line(sb, "rejected_connections", s.rejectedConnections());
        line(sb, "sync_full", 0);
        line(sb, "sync_partial_ok", 0);
        line(sb, "sync_partial_err", 0);
        line(sb, "expired_keys", ks.expiredKeys);
        line(sb, "expired_stale_perc", "0.00");
        line(sb, "expired_time_cap_reached_count", ks.expireCycleTimeouts);
        line(sb, "expire_cycle_cpu_milliseconds", ks.expireCycleNanos / 1_000_000);
        line(sb, "evicted_keys", ks.evictedKeys);
        line(sb, "evicted_clients", t.evictedClients);
        line(sb, "total_eviction_exceeded_time", 0);
        line(sb, "current_eviction_exceeded_time", 0);
        line(sb, "keyspace_hits", ks.keyspaceHits);
        line(sb, "keyspace_misses", ks.keyspaceMisses);
        line(sb, "pubsub_channels", s.pubsub.channelCount());
        line(sb, "pubsub_patterns", s.pubsub.patternCount());
        line(sb, "pubsubshard_channels", s.pubsub.shardChannelCount());
        line(sb, "latest_fork_usec", 0);
        line(sb, "total_forks", 0);
        line(sb, "migrate_cached_sockets", 0);
        line(sb, "slave_expires_tracked_keys", 0);
        line(sb, "active_defrag_hits", 0);
        line(sb, "active_defrag_misses", 0);
        line(sb, "active_defrag_key_hits", 0);
        line(sb, "active_defrag_key_misses", 0);
        line(sb, "total_active_defrag_time", 0);
        line(sb, "current_active_defrag_time", 0);
        line(sb, "tracking_total_keys", t.trackingKeys);
        line(sb, "tracking_total_items", t.trackingItems);
        line(sb, "tracking_total_prefixes", s.tracking.prefixCount());
        line(sb, "unexpected_error_replies", 0);
        line(sb, "total_error_replies", t.errorReplies);
        line(sb, "dump_payload_sanitizations", 0);
        line(sb, "total_reads_processed", t.reads);
        line(sb, "total_writes_processed", t.writes);
        line(sb, "io_threaded_reads_processed", 0);
        line(sb, "io_threaded_writes_processed", 0);
        line(sb, "reply_buffer_shrinks", 0);
        line(sb, "reply_buffer_expands", 0);
        // every shard's loop turns and works (MeteredEventLoop); the average turn is weighted by turns
        line(sb, "eventloop_cycles", t.cycles);
        line(sb, "eventloop_duration_sum", t.activeNanos / 1000);
        line(sb, "eventloop_duration_cmd_sum", t.commandNanos / 1000);
        line(sb, "instantaneous_eventloop_cycles_per_sec", t.cyclesPerSec);
        line(sb, "instantaneous_eventloop_duration_usec",
                t.sampledCycles == 0 ? 0 : t.sampledActiveNanos / t.sampledCycles / 1000);
        line(sb, "acl_access_denied_auth", t.aclDeniedAuth);
        line(sb, "acl_access_denied_cmd", t.aclDenied[io.moon.server.acl.AclCheck.DENIED_CMD]);
        line(sb, "acl_access_denied_key", t.aclDenied[io.moon.server.acl.AclCheck.DENIED_KEY]);
        line(sb, "acl_access_denied_channel", t.aclDenied[io.moon.server.acl.AclCheck.DENIED_CHANNEL]);
        // Moon's shards: how often commands left their connection's shard, and how
        line(sb, "moon_remote_calls", t.remoteCalls);
        line(sb, "moon_cross_shard_ops", t.crossShardOps);
        line(sb, "moon_pipeline_batches", t.pipelineBatches);
        line(sb, "moon_pipeline_batch_commands", t.pipelineBatchCommands);
    }

    private static void replication(final StringBuilder sb, final io.moon.server.Server server) {
        sb.append("# Replication\r\n");
        line(sb, "role", "master");
        line(sb, "connected_slaves", 0);
        line(sb, "master_failover_state", "no-failover");
        line(sb, "master_replid", server.replId);
        line(sb, "master_replid2", "0000000000000000000000000000000000000000");
        line(sb, "master_repl_offset", 0);
        line(sb, "second_repl_offset", -1);
        line(sb, "repl_backlog_active", 0);
        line(sb, "repl_backlog_size", 1048576);
        line(sb, "repl_backlog_first_byte_offset", 0);
        line(sb, "repl_backlog_histlen", 0);
    }

    /** Process CPU time from /proc/self/stat (user and system, in clock ticks of 1/100 s). */
    private static void cpu(final StringBuilder sb) {
        double user = 0;
        double sys = 0;
        try {
            final String stat = Files.readString(Path.of("/proc/self/stat"));
            final String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            user = Long.parseLong(f[11]) / 100.0;
            sys = Long.parseLong(f[12]) / 100.0;
        } catch (final Exception e) {
            final var os = ManagementFactory.getOperatingSystemMXBean();
            if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
                user = sun.getProcessCpuTime() / 1e9;
            }
        }
        sb.append("# CPU\r\n");
        line(sb, "used_cpu_sys", String.format(Locale.ROOT, "%.6f", sys));
        line(sb, "used_cpu_user", String.format(Locale.ROOT, "%.6f", user));
        line(sb, "used_cpu_sys_children", "0.000000");
        line(sb, "used_cpu_user_children", "0.000000");
        line(sb, "used_cpu_sys_main_thread", String.format(Locale.ROOT, "%.6f", sys));
        line(sb, "used_cpu_user_main_thread", String.format(Locale.ROOT, "%.6f", user));
    }

    private static void errorstats(final StringBuilder sb, final Snapshot t) {
        sb.append("# Errorstats\r\n");
        t.errors.forEach((code, n) -> sb.append("errorstat_").append(code).append(":count=").append(n).append("\r\n"));
    }

    private static void keyspace(final StringBuilder sb, final Snapshot t) {
        sb.append("# Keyspace\r\n");
        for (int d = 0; d < t.keys.length; d++) {
            if (t.keys[d] > 0) {
                sb.append("db").append(d).append(":keys=").append(t.keys[d]).append(",expires=")
                        .append(t.expires[d]).append(",avg_ttl=").append(t.avgTtl[d]).append("\r\n");
            }
        }
    }
}
