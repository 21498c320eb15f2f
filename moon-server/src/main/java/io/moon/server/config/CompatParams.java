package io.moon.server.config;

import static io.moon.server.config.Param.bool;
import static io.moon.server.config.Param.choice;
import static io.moon.server.config.Param.integer;
import static io.moon.server.config.Param.memory;
import static io.moon.server.config.Param.octal;
import static io.moon.server.config.Param.string;

/**
 * Redis parameters Moon reads, checks and shows but does not act on: replication and cluster
 * tuning, TLS files, syslog, CPU pinning, defragmentation... They carry Redis's types, ranges,
 * defaults, aliases and mutability so that a redis.conf written for Redis loads unchanged and
 * CONFIG GET answers what a tool expects (docs/configuration.md lists them).
 */
final class CompatParams {
    private CompatParams() {
    }

    private static final long INT_MAX = Params.INT_MAX;
    private static final long LONG_MAX = Params.LONG_MAX;
    private static final String NONE = "accepted for compatibility";

    static final Param[] ALL = {
        // replication
        memory("repl-backlog-size", Params.MB, 1, LONG_MAX, true, NONE),
        integer("repl-backlog-ttl", 3600, 0, LONG_MAX, true, NONE),
        integer("repl-timeout", 60, 1, INT_MAX, true, NONE),
        integer("repl-ping-replica-period", 10, 1, INT_MAX, true, NONE, "repl-ping-slave-period"),
        integer("min-replicas-to-write", 0, 0, INT_MAX, true, NONE, "min-slaves-to-write"),
        integer("min-replicas-max-lag", 10, 0, INT_MAX, true, NONE, "min-slaves-max-lag"),
        string("replica-announce-ip", "", true, NONE, "slave-announce-ip"),
        integer("replica-announce-port", 0, 0, 65535, true, NONE, "slave-announce-port"),
        bool("replica-announced", true, true, NONE),
        bool("replica-ignore-maxmemory", true, true, NONE, "slave-ignore-maxmemory"),
        bool("replica-ignore-disk-write-errors", false, true, NONE),
        choice("propagation-error-behavior", "ignore", true, NONE, "ignore", "panic", "panic-on-replicas"),
        // cluster (cluster-enabled is with the server's own parameters)
        string("cluster-config-file", "nodes.conf", false, NONE),
        integer("cluster-port", 0, 0, 65535, false, NONE),
        integer("cluster-node-timeout", 15000, 0, LONG_MAX, true, NONE),
        integer("cluster-replica-validity-factor", 10, 0, INT_MAX, true, NONE, "cluster-slave-validity-factor"),
        integer("cluster-migration-barrier", 1, 0, INT_MAX, true, NONE),
        bool("cluster-require-full-coverage", true, true, NONE),
        bool("cluster-replica-no-failover", false, true, NONE, "cluster-slave-no-failover"),
        bool("cluster-allow-reads-when-down", false, true, NONE),
        bool("cluster-allow-pubsubshard-when-down", true, true, NONE),
        bool("cluster-allow-replica-migration", true, true, NONE),
        string("cluster-announce-ip", "", true, NONE),
        string("cluster-announce-hostname", "", true, NONE),
        integer("cluster-announce-port", 0, 0, 65535, true, NONE),
        integer("cluster-announce-bus-port", 0, 0, 65535, true, NONE),
        integer("cluster-announce-tls-port", 0, 0, 65535, true, NONE),
        choice("cluster-preferred-endpoint-type", "ip", true, NONE, "ip", "hostname", "unknown-endpoint"),
        memory("cluster-link-sendbuf-limit", 0, 0, LONG_MAX, true, NONE),
        // TLS (tls-port is with the server's own parameters)
        string("tls-cert-file", "", true, NONE),
        string("tls-key-file", "", true, NONE),
        string("tls-key-file-pass", "", true, NONE),
        string("tls-client-cert-file", "", true, NONE),
        string("tls-client-key-file", "", true, NONE),
        string("tls-client-key-file-pass", "", true, NONE),
        string("tls-dh-params-file", "", true, NONE),
        string("tls-ca-cert-file", "", true, NONE),
        string("tls-ca-cert-dir", "", true, NONE),
        string("tls-protocols", "", true, NONE),
        string("tls-ciphers", "", true, NONE),
        string("tls-ciphersuites", "", true, NONE),
        choice("tls-auth-clients", "yes", true, NONE, "no", "yes", "optional"),
        bool("tls-replication", false, true, NONE),
        bool("tls-cluster", false, true, NONE),
        bool("tls-prefer-server-ciphers", false, true, NONE),
        bool("tls-session-caching", true, true, NONE),
        integer("tls-session-cache-size", 20 * 1024, 0, INT_MAX, true, NONE),
        integer("tls-session-cache-timeout", 300, 0, INT_MAX, true, NONE),
        // active defragmentation (activedefrag is with the server's own parameters)
        memory("active-defrag-ignore-bytes", 100 * Params.MB, 1, LONG_MAX, true, NONE),
        integer("active-defrag-threshold-lower", 10, 0, 1000, true, NONE),
        integer("active-defrag-threshold-upper", 100, 0, 1000, true, NONE),
        integer("active-defrag-cycle-min", 1, 1, 99, true, NONE),
        integer("active-defrag-cycle-max", 25, 1, 99, true, NONE),
        integer("active-defrag-max-scan-fields", 1000, 1, LONG_MAX, true, NONE),
        // logging, process, shutdown
        bool("syslog-enabled", false, false, NONE),
        string("syslog-ident", "redis", false, NONE),
        choice("syslog-facility", "local0", false, NONE, "user", "local0", "local1", "local2", "local3", "local4",
                "local5", "local6", "local7"),
        bool("crash-log-enabled", true, true, NONE),
        bool("crash-memcheck-enabled", true, true, NONE),
        string("ignore-warnings", "", true, NONE),
        integer("shutdown-timeout", 10, 0, INT_MAX, true, NONE),
        choice("shutdown-on-sigint", "default", true, NONE, "default", "save", "nosave", "now", "force"),
        choice("shutdown-on-sigterm", "default", true, NONE, "default", "save", "nosave", "now", "force"),
        string("server_cpulist", "", false, NONE),
        string("bio_cpulist", "", false, NONE),
        string("aof_rewrite_cpulist", "", false, NONE),
        string("bgsave_cpulist", "", false, NONE),
        // network and files
        octal("unixsocketperm", 0, 0, 0777, false, NONE),
        integer("socket-mark-id", 0, 0, Params.UINT_MAX, false, NONE),
        string("bind-source-addr", "", true, NONE),
        bool("aof-disable-auto-gc", false, true, NONE),
        choice("sanitize-dump-payload", "no", true, NONE, "no", "yes", "clients"),
    };
}
