package io.moon.server.admin;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.moon.server.Server;
import io.moon.server.command.CommandSpec;
import io.moon.server.observe.ShardSample;
import io.netty.channel.EventLoop;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * /metrics: a Micrometer Prometheus registry whose meters are function gauges and function
 * counters over the latest copy of every shard's counters. Nothing here runs per command: a
 * scrape posts one task to each shard, which copies its own plain counters ({@link ShardSample})
 * and hands the copy back; when every shard has answered (or after {@value #SAMPLE_BOUND_MILLIS}
 * ms, keeping a stuck shard's previous copy) the registry is rendered.
 *
 * <p>Names follow redis_exporter (redis_*) so existing dashboards work; Moon's own are moon_*.
 *
 * <p>Owned by the admin event-loop thread: {@link #latest}, {@link #totals} and the registry are
 * touched only there (shard copies arrive as tasks on it).
 */
final class MoonMetrics {
    static final long SAMPLE_BOUND_MILLIS = 1000;

    private final Server server;
    private final EventLoop admin;
    private final LoopProbe probe;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final ShardSample[] latest;
    private Totals totals;
    private final Set<Integer> commandMeters = new HashSet<>();
    private final Set<Integer> dbMeters = new HashSet<>();
    private final Set<String> errorMeters = new HashSet<>();

    /** The shards' copies added up, rebuilt after each sampling round. */
    private static final class Totals {
        long commands;
        long connections;
        long netIn;
        long netOut;
        long hits;
        long misses;
        long expired;
        long evicted;
        long clients;
        long blocked;
        long[] keys;
        long[] expires;
        long[] calls;
        long[] nanos;
        long[] failed;
        long[] rejected;
        org.HdrHistogram.Histogram[] latency;
        final Map<String, Long> errors = new TreeMap<>();
    }

    MoonMetrics(final Server server, final EventLoop admin, final LoopProbe probe) {
        this.server = server;
        this.admin = admin;
        this.probe = probe;
        this.latest = new ShardSample[server.shardCount()];
        this.totals = sum();
        register();
    }

    // ---- meters --------------------------------------------------------------------------------

    private void gauge(final String name, final String help, final ToDoubleFunction<MoonMetrics> f,
                       final String... tags) {
        Gauge.builder(name, this, f).description(help).tags(tags).strongReference(true).register(registry);
    }

    private void counter(final String name, final String help, final ToDoubleFunction<MoonMetrics> f,
                         final String... tags) {
        FunctionCounter.builder(name, this, f).description(help).tags(tags).register(registry);
    }

    private void register() {
        gauge("redis_up", "1 while the server answers", m -> 1);
        // an info metric, registered with the Prometheus client directly: Micrometer's naming would
        // drop the _info suffix from a gauge
        io.prometheus.metrics.core.metrics.Info.builder().name("redis_instance_info")
                .help("the server's identity as labels").labelNames("redis_version", "redis_mode", "role", "run_id",
                        "tcp_port", "process_id", "moon_version")
                .register(registry.getPrometheusRegistry())
                .addLabelValues(io.moon.server.Version.REDIS_COMPAT, "standalone", "master", server.runId,
                        Integer.toString(server.config.port), Long.toString(ProcessHandle.current().pid()),
                        io.moon.server.Version.MOON);
        gauge("redis_uptime_in_seconds", "seconds since the server started", m -> m.server.uptimeSeconds());
        gauge("redis_start_time_seconds", "unix time the server started", m -> m.server.startMillis / 1000);
        gauge("redis_connected_clients", "client connections", m -> m.totals.clients);
        gauge("redis_blocked_clients", "clients waiting in a blocking command", m -> m.totals.blocked);
        gauge("redis_config_maxclients", "maxclients", m -> m.server.config.maxclients);
        counter("redis_commands_processed", "commands run", m -> m.totals.commands);
        counter("redis_connections_received", "connections accepted", m -> m.totals.connections);
        counter("redis_rejected_connections", "connections refused by maxclients",
                m -> m.server.rejectedConnections());
        counter("redis_net_input_bytes", "bytes read from clients", m -> m.totals.netIn);
        counter("redis_net_output_bytes", "bytes written to clients", m -> m.totals.netOut);
        counter("redis_keyspace_hits", "key lookups that found the key", m -> m.totals.hits);
        counter("redis_keyspace_misses", "key lookups that missed", m -> m.totals.misses);
        counter("redis_expired_keys", "keys removed because their TTL passed", m -> m.totals.expired);
        counter("redis_evicted_keys", "keys evicted by maxmemory", m -> m.totals.evicted);
        gauge("redis_memory_used_bytes", "used_memory: bytes held by keys, values and buffers",
                m -> m.server.memoryLimit.total());
        gauge("redis_memory_max_bytes", "maxmemory (0 = no limit)", m -> m.server.config.maxmemory);
        gauge("redis_rdb_last_save_timestamp_seconds", "unix time of the last successful save",
                m -> m.server.snapshots.lastSaveSeconds());
        gauge("redis_rdb_last_bgsave_status", "1 when the last background save succeeded",
                m -> m.server.snapshots.lastBgsaveOk() ? 1 : 0);
        gauge("redis_rdb_changes_since_last_save", "writes since the last successful save",
                m -> m.server.snapshots.changesSinceLastSave());
        gauge("redis_pubsub_channels", "channels with subscribers", m -> m.server.pubsub.channelCount());
        gauge("redis_pubsub_patterns", "patterns with subscribers", m -> m.server.pubsub.patternCount());
        gauge("redis_pubsub_shard_channels", "shard channels with subscribers",
                m -> m.server.pubsub.shardChannelCount());
        gauge("redis_number_of_cached_scripts", "scripts in the script cache", m -> m.server.scripts.cache.size());
        gauge("moon_shards", "shard threads", m -> m.server.shardCount());
        gauge("moon_ready", "1 when /readyz answers 200", m -> m.server.observe.readiness.isReady() ? 1 : 0);
        for (int i = 0; i < latest.length; i++) {
            final int s = i;
            final String shard = Integer.toString(i);
            gauge("moon_shard_keys", "keys held by the shard (all databases)",
                    m -> m.latest[s] == null ? 0 : m.latest[s].totalKeys(), "shard", shard);
            gauge("moon_shard_keyspace_bytes", "bytes of keys and values held by the shard",
                    m -> m.latest[s] == null ? 0 : m.latest[s].keyspaceBytes, "shard", shard);
            gauge("moon_shard_connected_clients", "connections homed on the shard",
                    m -> m.latest[s] == null ? 0 : m.latest[s].clients, "shard", shard);
            gauge("moon_event_loop_lag_seconds", "delay before a task posted to the shard's event loop runs",
                    m -> m.probe.lagSeconds(s), "shard", shard);
            gauge("moon_event_loop_pending_tasks", "messages waiting in the shard's task queue",
                    m -> pendingTasks(m.server.shard(s).loop()), "shard", shard);
            counter("moon_shard_commands_processed", "commands run on the shard",
                    m -> m.latest[s] == null ? 0 : m.latest[s].commandsProcessed, "shard", shard);
            counter("moon_remote_calls", "commands sent to another shard one at a time (two messages each)",
                    m -> m.latest[s] == null ? 0 : m.latest[s].remoteCalls, "shard", shard);
            counter("moon_cross_shard_ops", "cross-shard operations started by connections homed here",
                    m -> m.latest[s] == null ? 0 : m.latest[s].crossShardOps, "shard", shard);
            counter("moon_pipeline_batches", "pipelined commands run as one cross-shard batch",
                    m -> m.latest[s] == null ? 0 : m.latest[s].pipelineBatches, "shard", shard);
            counter("moon_pipeline_batch_commands", "commands carried by pipeline batches",
                    m -> m.latest[s] == null ? 0 : m.latest[s].pipelineBatchCommands, "shard", shard);
        }
        registry.getPrometheusRegistry().register(this::latencySummary);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
    }

    /** Meters whose label values appear with the data: commands run, databases used, error codes. */
    private void registerNew() {
        final Totals t = totals;
        for (final CommandSpec c : server.commands.all()) {
            final int id = c.id();
            if ((t.calls[id] != 0 || t.failed[id] != 0 || t.rejected[id] != 0) && commandMeters.add(id)) {
                final String cmd = c.fullName();
                counter("redis_commands", "calls of the command", m -> m.totals.calls[id], "cmd", cmd);
                counter("redis_commands_duration_seconds", "time spent running the command",
                        m -> m.totals.nanos[id] / 1e9, "cmd", cmd);
                counter("redis_commands_failed_calls", "calls that answered an error",
                        m -> m.totals.failed[id], "cmd", cmd);
                counter("redis_commands_rejected_calls", "calls refused before running",
                        m -> m.totals.rejected[id], "cmd", cmd);
            }
        }
        for (int d = 0; d < t.keys.length; d++) {
            if (t.keys[d] != 0 && dbMeters.add(d)) {
                final int db = d;
                gauge("redis_db_keys", "keys in the database", m -> m.totals.keys[db], "db", "db" + d);
                gauge("redis_db_keys_expiring", "keys with a TTL in the database",
                        m -> m.totals.expires[db], "db", "db" + d);
            }
        }
        for (final String e : t.errors.keySet()) {
            if (errorMeters.add(e)) {
                counter("redis_errors", "error replies by error code", m -> m.totals.errors.getOrDefault(e, 0L),
                        "err", e);
            }
        }
    }

    /**
     * redis_latency_percentiles_usec{cmd}: INFO latencystats as a summary (quantiles from
     * latency-tracking-info-percentiles, sum in microseconds, count of calls recorded). Called by
     * the registry while it renders, on the admin thread.
     */
    private io.prometheus.metrics.model.snapshots.MetricSnapshot latencySummary() {
        final var summary = io.prometheus.metrics.model.snapshots.SummarySnapshot.builder()
                .name("redis_latency_percentiles_usec").help("command latency percentiles in microseconds");
        final double[] ps = server.config.latencyPercentiles;
        final Totals t = totals;
        for (final CommandSpec c : server.commands.all()) {
            final org.HdrHistogram.Histogram h = t.latency[c.id()];
            if (h == null || h.getTotalCount() == 0) {
                continue;
            }
            final io.prometheus.metrics.model.snapshots.Quantile[] qs =
                    new io.prometheus.metrics.model.snapshots.Quantile[ps.length];
            for (int i = 0; i < ps.length; i++) {
                qs[i] = new io.prometheus.metrics.model.snapshots.Quantile( // 99.9 -> 0.999, not 0.9990000000000001
                        java.math.BigDecimal.valueOf(ps[i]).movePointLeft(2).doubleValue(),
                        h.getValueAtPercentile(ps[i]) / 1000.0);
            }
            summary.dataPoint(io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot.builder()
                    .quantiles(io.prometheus.metrics.model.snapshots.Quantiles.of(qs))
                    .labels(io.prometheus.metrics.model.snapshots.Labels.of("cmd", c.fullName()))
                    .sum(t.nanos[c.id()] / 1000.0).count(h.getTotalCount()).build());
        }
        return summary.build();
    }

    /** The loop's task queue length (Netty's queues answer size() from any thread). */
    private static double pendingTasks(final EventLoop loop) {
        return loop instanceof io.netty.util.concurrent.SingleThreadEventExecutor e ? e.pendingTasks() : -1;
    }

    // ---- scraping ------------------------------------------------------------------------------

    /** On the admin thread: samples every shard, then calls {@code done} with the Prometheus text. */
    void scrape(final Consumer<String> done) {
        new SampleRound(done).start();
    }

    /** One scrape's sampling. Touched only on the admin thread. */
    private final class SampleRound {
        private final Consumer<String> done;
        private int left = latest.length;
        private boolean finished;

        SampleRound(final Consumer<String> done) {
            this.done = done;
        }

        void start() {
            admin.schedule(this::finish, SAMPLE_BOUND_MILLIS, TimeUnit.MILLISECONDS);
            for (int i = 0; i < latest.length; i++) {
                final var shard = server.shard(i);
                shard.execute(() -> {
                    final ShardSample s = ShardSample.take(shard);
                    admin.execute(() -> arrived(s));
                });
            }
        }

        private void arrived(final ShardSample s) {
            latest[s.shard] = s;
            if (--left == 0) {
                finish();
            }
        }

        private void finish() {
            if (finished) {
                return;
            }
            finished = true;
            totals = sum();
            registerNew();
            done.accept(registry.scrape());
        }
    }

    private Totals sum() {
        final Totals t = new Totals();
        final int commands = server.commands.all().size();
        t.keys = new long[server.config.databases];
        t.expires = new long[t.keys.length];
        t.calls = new long[commands];
        t.nanos = new long[commands];
        t.failed = new long[commands];
        t.rejected = new long[commands];
        t.latency = new org.HdrHistogram.Histogram[commands];
        for (final ShardSample s : latest) {
            if (s == null) {
                continue;
            }
            t.commands += s.commandsProcessed;
            t.connections += s.connectionsReceived;
            t.netIn += s.netInputBytes;
            t.netOut += s.netOutputBytes;
            t.hits += s.keyspaceHits;
            t.misses += s.keyspaceMisses;
            t.expired += s.expiredKeys;
            t.evicted += s.evictedKeys;
            t.clients += s.clients;
            t.blocked += s.blockedClients;
            for (int d = 0; d < Math.min(t.keys.length, s.keys.length); d++) {
                t.keys[d] += s.keys[d];
                t.expires[d] += s.expires[d];
            }
            for (int c = 0; c < commands; c++) {
                t.calls[c] += s.calls[c];
                t.nanos[c] += s.nanos[c];
                t.failed[c] += s.failed[c];
                t.rejected[c] += s.rejected[c];
                if (s.latency[c] != null) {
                    if (t.latency[c] == null) {
                        t.latency[c] = s.latency[c].copy();
                    } else {
                        t.latency[c].add(s.latency[c]);
                    }
                }
            }
            s.errors.forEach((e, n) -> t.errors.merge(e, n, Long::sum));
        }
        return t;
    }

    void close() {
        gc.close();
        registry.close();
    }
}
