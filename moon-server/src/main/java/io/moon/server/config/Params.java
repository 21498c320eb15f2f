package io.moon.server.config;

import static io.moon.server.config.Param.bool;
import static io.moon.server.config.Param.choice;
import static io.moon.server.config.Param.integer;
import static io.moon.server.config.Param.memory;
import static io.moon.server.config.Param.string;

/**
 * Every configuration parameter Moon accepts, with Redis's names and defaults where Redis has
 * the parameter. Some are accepted now and take effect with later features (persistence,
 * eviction, collections' encodings); they already answer CONFIG GET so that tools which read
 * them (redis-benchmark reads save and appendonly) work.
 */
final class Params {

    private Params() {
    }

    static final long INT_MAX = Integer.MAX_VALUE;
    static final long LONG_MAX = Long.MAX_VALUE;
    static final long UINT_MAX = 0xffffffffL;
    static final long MB = 1024L * 1024;

    private static final Param[] OWN = {
        // network
        integer("port", 6379, 0, 65535, false, "TCP port to listen on"),
        string("bind", "127.0.0.1", false, "addresses to listen on, space separated"),
        integer("tcp-backlog", 511, 0, INT_MAX, false, "listen backlog"),
        integer("timeout", 0, 0, INT_MAX, true, "close idle clients after this many seconds (0 = never)"),
        integer("tcp-keepalive", 300, 0, INT_MAX, true, "TCP keepalive interval in seconds"),
        bool("protected-mode", true, true, "refuse non-loopback clients when no password is set"),
        integer("maxclients", 10000, 1, UINT_MAX, true, "maximum connected clients"),
        string("unixsocket", "", false, "unix socket path (not supported yet)"),
        integer("tls-port", 0, 0, 65535, false, "TLS port (later)"),
        // admin HTTP (/metrics, /healthz, /readyz)
        integer("admin-port", 0, 0, 65535, false, "admin HTTP port for /metrics, /healthz, /readyz (0 = off)"),
        string("admin-bind", "127.0.0.1", false, "address the admin HTTP port listens on"),
        integer("admin-shutdown-delay", 0, 0, 3_600_000, true,
                "milliseconds /readyz answers 503 after SIGTERM before Moon stops accepting connections"),
        // moon's threading
        integer("shards", 0, 0, 1024, false, "shard threads (0 = one per available processor)"),
        choice("io-driver", "auto", false, "network driver", "auto", "io_uring", "epoll", "nio"),
        integer("io-threads", 1, 1, 128, false, "accepted for compatibility; shards are Moon's threads"),
        bool("io-threads-do-reads", false, false, "accepted for compatibility"),
        // general
        integer("databases", 16, 1, INT_MAX, false, "number of databases"),
        string("dir", ".", true, "working directory for data files (a protected config)"),
        choice("loglevel", "notice", true, "log level", "debug", "verbose", "notice", "warning", "nothing"),
        string("logfile", "", false, "log file (empty = standard output)"),
        bool("daemonize", false, false, "accepted for compatibility; Moon runs in the foreground"),
        string("pidfile", "", false, "pid file"),
        choice("supervised", "no", false, "accepted for compatibility", "upstart", "systemd", "auto", "no"),
        integer("hz", 10, 0, INT_MAX, true, "background task frequency (kept within 1..500)"),
        bool("dynamic-hz", true, true, "accepted for compatibility"),
        choice("enable-debug-command", "no", false, "allow DEBUG", "no", "yes", "local"),
        choice("enable-protected-configs", "no", false, "allow changing protected configs", "no", "yes", "local"),
        choice("enable-module-command", "no", false, "accepted for compatibility", "no", "yes", "local"),
        // security
        string("requirepass", "", true, "password of the default user"),
        string("aclfile", "", false, "ACL users file: read at startup and by ACL LOAD, written by ACL SAVE"),
        integer("acllog-max-len", 128, 0, LONG_MAX, true, "most entries ACL LOG keeps"),
        choice("acl-pubsub-default", "resetchannels", true, "channels of a new ACL user", "allchannels",
                "resetchannels"),
        string("masterauth", "", true, "password for the primary (replication)"),
        string("masteruser", "", true, "user for the primary (replication)"),
        // limits
        memory("proto-max-bulk-len", 512 * MB, 1024 * 1024, LONG_MAX, true, "largest bulk argument"),
        memory("client-query-buffer-limit", 1024 * MB, 1024 * 1024, LONG_MAX, true, "largest query buffer"),
        string("client-output-buffer-limit", "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
                true, "output buffer limits per client class"),
        memory("maxmemory-clients", 0, 0, LONG_MAX, true,
                "memory for all clients' buffers, in bytes or as a percentage of maxmemory (0 = no limit)"),
        // memory and eviction (effect arrives with eviction)
        memory("maxmemory", 0, 0, LONG_MAX, true, "memory limit (0 = none)"),
        choice("maxmemory-policy", "noeviction", true, "eviction policy", "volatile-lru", "volatile-lfu",
                "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"),
        integer("maxmemory-samples", 5, 1, INT_MAX, true, "keys sampled per eviction"),
        integer("tracking-table-max-keys", 1000000, 0, LONG_MAX, true,
                "keys remembered for client-side caching (0 = no limit)"),
        integer("maxmemory-eviction-tenacity", 10, 0, 100, true, "eviction effort"),
        integer("lfu-log-factor", 10, 0, INT_MAX, true, "LFU counter logarithm factor"),
        integer("lfu-decay-time", 1, 0, INT_MAX, true, "LFU counter decay period in minutes"),
        integer("active-expire-effort", 1, 1, 10, true, "effort of the active expire cycle"),
        bool("lazyfree-lazy-eviction", false, true, "accepted for compatibility"),
        bool("lazyfree-lazy-expire", false, true, "accepted for compatibility"),
        bool("lazyfree-lazy-server-del", false, true, "accepted for compatibility"),
        bool("lazyfree-lazy-user-del", false, true, "accepted for compatibility"),
        bool("lazyfree-lazy-user-flush", false, true, "accepted for compatibility"),
        bool("activedefrag", false, true, "accepted for compatibility"),
        // persistence (effect arrives with durability)
        new Param("save", Param.Kind.SAVE, "3600 1 300 100 60 10000", true, 0, 0, new String[0], new String[0],
                "snapshot points: seconds changes ..."),
        bool("appendonly", false, true, "append-only file"),
        choice("appendfsync", "everysec", true, "fsync policy", "everysec", "always", "no"),
        string("appendfilename", "appendonly.aof", false, "append-only file name"),
        string("appenddirname", "appendonlydir", false, "append-only directory"),
        integer("auto-aof-rewrite-percentage", 100, 0, INT_MAX, true,
                "rewrite the log when it grew this % over its size after the last rewrite (0 = off)"),
        memory("auto-aof-rewrite-min-size", 64L * 1024 * 1024, 0, LONG_MAX, true, "no automatic rewrite below this log size"),
        bool("aof-load-truncated", true, true, "load a log whose last record is torn (truncating it)"),
        bool("aof-use-rdb-preamble", true, true, "accepted; the rewrite's base is always an RDB file"),
        bool("aof-timestamp-enabled", false, true, "accepted for compatibility"),
        bool("no-appendfsync-on-rewrite", false, true, "accepted for compatibility (Moon keeps fsyncing)"),
        bool("aof-rewrite-incremental-fsync", true, true, "accepted for compatibility"),
        string("dbfilename", "dump.rdb", true, "snapshot file name (a protected config)"),
        bool("rdbcompression", true, true, "compress snapshot strings"),
        bool("rdbchecksum", true, false, "checksum snapshots"),
        bool("stop-writes-on-bgsave-error", true, true, "refuse writes after a failed save"),
        // replication (later)
        bool("replica-read-only", true, true, "replicas refuse writes", "slave-read-only"),
        string("replicaof", "", false, "primary to replicate", "slaveof"),
        // monitoring
        integer("slowlog-log-slower-than", 10000, -1, LONG_MAX, true, "slow log threshold in microseconds"),
        integer("slowlog-max-len", 128, 0, LONG_MAX, true, "slow log length"),
        integer("latency-monitor-threshold", 0, 0, LONG_MAX, true, "latency monitor threshold in ms"),
        bool("latency-tracking", true, true, "per-command latency tracking"),
        string("latency-tracking-info-percentiles", "50 99 99.9", true, "percentiles INFO latencystats prints"),
        string("notify-keyspace-events", "", true, "keyspace notifications"),
        integer("busy-reply-threshold", 5000, 0, LONG_MAX, true, "script time limit in ms", "lua-time-limit"),
        bool("lua-strict-keys", false, true, "scripts may touch only the keys they declare in KEYS (Moon)"),
        bool("cluster-enabled", false, false, "accepted for compatibility; Moon is standalone"),
        // encodings (effect arrives with collections)
        integer("list-max-listpack-size", -2, Integer.MIN_VALUE, INT_MAX, true, "list node size", "list-max-ziplist-size"),
        integer("list-compress-depth", 0, 0, INT_MAX, true, "list compression depth"),
        integer("hash-max-listpack-entries", 512, 0, LONG_MAX, true, "packed hash entries", "hash-max-ziplist-entries"),
        memory("hash-max-listpack-value", 64, 0, LONG_MAX, true, "packed hash value size", "hash-max-ziplist-value"),
        integer("set-max-intset-entries", 512, 0, LONG_MAX, true, "intset entries"),
        integer("set-max-listpack-entries", 128, 0, LONG_MAX, true, "packed set entries"),
        integer("set-max-listpack-value", 64, 0, LONG_MAX, true, "packed set value size"),
        integer("zset-max-listpack-entries", 128, 0, LONG_MAX, true, "packed sorted set entries", "zset-max-ziplist-entries"),
        memory("zset-max-listpack-value", 64, 0, LONG_MAX, true, "packed sorted set value size", "zset-max-ziplist-value"),
        memory("hll-sparse-max-bytes", 3000, 0, LONG_MAX, true, "largest sparse HyperLogLog before it turns dense"),
        // accepted so that a stock redis.conf loads; they have no effect in Moon (docs/configuration.md)
        bool("activerehashing", true, true, "accepted for compatibility"),
        bool("always-show-logo", false, false, "accepted for compatibility"),
        bool("disable-thp", true, false, "accepted for compatibility"),
        bool("jemalloc-bg-thread", true, true, "accepted for compatibility"),
        choice("oom-score-adj", "no", true, "accepted for compatibility", "no", "yes", "relative", "absolute"),
        string("oom-score-adj-values", "0 200 800", true, "accepted for compatibility"),
        string("proc-title-template", "{title} {listen-addr} {server-mode}", true, "accepted for compatibility"),
        bool("rdb-del-sync-files", false, true, "accepted for compatibility"),
        bool("rdb-save-incremental-fsync", true, true, "accepted for compatibility"),
        bool("repl-disable-tcp-nodelay", false, true, "accepted for compatibility"),
        choice("repl-diskless-load", "disabled", true, "accepted for compatibility", "disabled", "on-empty-db",
                "swapdb"),
        bool("repl-diskless-sync", true, true, "accepted for compatibility"),
        integer("repl-diskless-sync-delay", 5, 0, INT_MAX, true, "accepted for compatibility"),
        integer("repl-diskless-sync-max-replicas", 0, 0, INT_MAX, true, "accepted for compatibility"),
        bool("replica-lazy-flush", false, true, "accepted for compatibility", "slave-lazy-flush"),
        integer("replica-priority", 100, 0, INT_MAX, true, "accepted for compatibility", "slave-priority"),
        bool("replica-serve-stale-data", true, true, "accepted for compatibility", "slave-serve-stale-data"),
        bool("set-proc-title", true, false, "accepted for compatibility"),
        memory("stream-node-max-bytes", 4096, 0, LONG_MAX, true, "largest stream node before XADD starts another"),
        integer("stream-node-max-entries", 100, 0, LONG_MAX, true, "most entries in a stream node"),
    };

    /** Moon's parameters and Redis's, then the Redis ones Moon accepts without acting on them. */
    static final Param[] ALL = concat(Params.OWN, CompatParams.ALL);

    private static Param[] concat(final Param[] a, final Param[] b) {
        final Param[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Redis's PROTECTED_CONFIG: CONFIG SET needs enable-protected-configs. */
    static final java.util.Set<String> PROTECTED = java.util.Set.of("dir", "dbfilename");

    /** Redis's MULTI_ARG_CONFIG: values of several words. */
    static final java.util.Set<String> MULTI_ARG = java.util.Set.of("save", "bind", "client-output-buffer-limit",
            "oom-score-adj-values", "latency-tracking-info-percentiles", "shutdown-on-sigint", "shutdown-on-sigterm");

    /** Redis's PERCENT_CONFIG: a memory value or a percentage of maxmemory. */
    static final java.util.Set<String> PERCENT = java.util.Set.of("maxmemory-clients");

    /** latency-tracking-info-percentiles: numbers within 0..100, as Redis checks them. */
    static double[] percentiles(final Param p, final String value) throws ConfigException {
        // one space between numbers, as Redis splits them: "99  50" is refused
        final String[] words = value.isEmpty() ? new String[0] : value.split(" ", -1);
        final double[] out = new double[words.length];
        for (int i = 0; i < words.length; i++) {
            try {
                out[i] = Double.parseDouble(words[i]);
            } catch (final NumberFormatException e) {
                throw new ConfigException(ConfigException.Kind.BAD_VALUE, p.name(),
                        "Invalid latency-tracking-info-percentiles parameters");
            }
            if (!(out[i] >= 0 && out[i] <= 100)) {
                throw new ConfigException(ConfigException.Kind.BAD_VALUE, p.name(),
                        "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
            }
        }
        return out;
    }

    /** Redis's hz bounds (CONFIG_MIN_HZ, CONFIG_MAX_HZ): any value is accepted and kept within them. */
    static final long MIN_HZ = 1;
    static final long MAX_HZ = 500;

    /**
     * What Redis does with some values when it applies them: hz is kept within its bounds
     * (updateHZ), dir must be an existing directory and reads back as an absolute path (chdir).
     */
    static String adjust(final Param p, final String normalized) throws ConfigException {
        switch (p.name()) {
            case "notify-keyspace-events" -> {
                return io.moon.server.pubsub.Notify.normalize(normalized);
            }
            case "latency-tracking-info-percentiles" -> {
                final StringBuilder sb = new StringBuilder();
                for (final double v : percentiles(p, normalized)) {
                    sb.append(sb.isEmpty() ? "" : " ").append(io.moon.server.observe.CommandSections.label(v));
                }
                return sb.toString();
            }
            case "oom-score-adj-values" -> { // three numbers within -2000..2000, as Redis checks them
                final String[] parts = normalized.trim().split("\\s+");
                if (parts.length != 3) {
                    throw new ConfigException(ConfigException.Kind.BAD_VALUE, p.name(), "wrong number of arguments");
                }
                for (final String v : parts) {
                    final long n = Param.Kind.parseInteger(v);
                    if (n < -2000 || n > 2000) {
                        throw new ConfigException(ConfigException.Kind.BAD_VALUE, p.name(),
                                "Invalid oom-score-adj-values, elements must be between -2000 and 2000.");
                    }
                }
                return String.join(" ", parts);
            }
            case "dbfilename", "appendfilename" -> { // Redis's isValidDBfilename / isValidAOFfilename
                if (normalized.indexOf('/') >= 0) {
                    throw new ConfigException(ConfigException.Kind.BAD_VALUE, p.name(),
                            p.name() + " can't be a path, just a filename");
                }
                return normalized;
            }
            case "appenddirname" -> {
                if (normalized.indexOf('/') >= 0) {
                    throw new ConfigException(ConfigException.Kind.BAD_VALUE, p.name(),
                            "appenddirname can't be a path, just a dirname");
                }
                return normalized;
            }
            case "shutdown-on-sigint", "shutdown-on-sigterm" -> { // Redis's isValidShutdownOnSigFlags
                final java.util.List<String> words = java.util.List.of(normalized.split(" "));
                if (words.contains("save") && words.contains("nosave")) {
                    throw new ConfigException(ConfigException.Kind.BAD_VALUE, p.name(),
                            "shutdown options SAVE and NOSAVE can't be used simultaneously");
                }
                return normalized;
            }
            case "cluster-announce-hostname" -> { // Redis's isValidAnnouncedHostname
                if (normalized.length() >= 256) {
                    throw new ConfigException(ConfigException.Kind.BAD_VALUE, p.name(),
                            "Hostnames must be less than 256 characters");
                }
                for (int i = 0; i < normalized.length(); i++) {
                    final char ch = normalized.charAt(i);
                    if (!(ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '-'
                            || ch == '.')) {
                        throw new ConfigException(ConfigException.Kind.BAD_VALUE, p.name(),
                                "Hostnames may only contain alphanumeric characters, hyphens or dots");
                    }
                }
                return normalized;
            }
            case "hz" -> {
                final long hz = Long.parseLong(normalized);
                return Long.toString(Math.max(MIN_HZ, Math.min(MAX_HZ, hz)));
            }
            case "dir" -> {
                final java.nio.file.Path d;
                try {
                    d = java.nio.file.Path.of(normalized).toAbsolutePath().normalize();
                } catch (final java.nio.file.InvalidPathException e) {
                    throw new ConfigException(ConfigException.Kind.BAD_VALUE, p.name(), "No such file or directory");
                }
                if (!java.nio.file.Files.isDirectory(d)) {
                    throw new ConfigException(ConfigException.Kind.BAD_VALUE, p.name(), "No such file or directory");
                }
                return d.toString();
            }
            default -> {
                return normalized;
            }
        }
    }
}
